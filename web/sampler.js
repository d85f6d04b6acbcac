// The in-browser sampler of a gan-zoo export (python -m export.web): runs model/generator.onnx (and
// model/encoder.onnx) with onnxruntime-web's WASM backend after checking their SHA-256 against
// model/metadata.json, and draws the prior that metadata.json describes, as export/sample.py does.
// window.zoo is the page's API for tests and benchmarks: ready, error, generate, encode, benchmark.
import * as ort from "./ort/ort.wasm.min.mjs";

const MODEL = "./model/";
ort.env.wasm.wasmPaths = new URL("./ort/", import.meta.url).href;
// threads need a cross-origin-isolated page (python -m export.web sends the headers; a static host may not)
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

const GRID = 8;            // image exports: GRID x GRID samples
const POINTS = 1000;       // 2-D exports: samples in the scatter
const FRAMES = 48;         // interpolation frames
const $ = (id) => document.getElementById(id);

class BadExport extends Error {}

const state = { metadata: null, generator: null, encoder: null, z: null, seed: 1, picked: [], timer: null };
let queue = Promise.resolve(); // one onnxruntime call at a time

function serial(task) {
  const result = queue.then(task);
  queue = result.catch(() => {});
  return result;
}

// ---- the export -------------------------------------------------------------------------------

async function fetchBytes(name) {
  let response;
  try {
    response = await fetch(MODEL + name, { cache: "no-store" });
  } catch (e) {
    throw new BadExport(`${name} could not be fetched (${e.message}).`);
  }
  if (!response.ok) throw new BadExport(`This export has no ${name} (HTTP ${response.status}).`);
  return new Uint8Array(await response.arrayBuffer());
}

async function readMetadata() {
  const bytes = await fetchBytes("metadata.json").catch(() => {
    throw new BadExport("This folder has no model/metadata.json: it holds no export.");
  });
  // metadata.json.sha256 (sha256sum's format), written by exports since checksums covered metadata.json
  const listed = await fetchBytes("metadata.json.sha256").catch(() => null);
  if (listed && new TextDecoder().decode(listed).split(/\s+/)[0] !== (await sha256(bytes))) {
    throw new BadExport("model/metadata.json does not match its SHA-256 (edited or damaged): export the model again.");
  }
  let metadata;
  try {
    metadata = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BadExport("model/metadata.json is not valid JSON.");
  }
  const onnx = metadata.onnx || {};
  if (!onnx["generator.onnx"]) throw new BadExport("This export has no generator.onnx: export it with the onnx format.");
  if (!Number.isInteger(metadata.latent_dim) || !Array.isArray(metadata.data_shape)) {
    throw new BadExport("model/metadata.json does not describe latent_dim and data_shape.");
  }
  if (!["normal", "uniform", "sphere"].includes((metadata.prior || {}).name)) {
    throw new BadExport(`Unsupported prior ${JSON.stringify((metadata.prior || {}).name)} in metadata.json.`);
  }
  return metadata;
}

async function sha256(bytes) {
  if (!crypto.subtle) throw new BadExport("Checking the checksums needs a secure page: open it over https or from localhost.");
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function loadModel(metadata, name) {
  const bytes = await fetchBytes(name);
  const expected = (metadata.artifacts || {})[name];
  if (!expected) throw new BadExport(`metadata.json lists no SHA-256 for ${name}.`);
  if ((await sha256(bytes)) !== expected) {
    throw new BadExport(`${name} does not match the SHA-256 in metadata.json (modified or corrupt).`);
  }
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
}

const size = (shape) => shape.reduce((a, b) => a * b, 1);

function run(session, io, input, n, shape) {
  return serial(async () => {
    const feeds = { [io.input]: new ort.Tensor("float32", input, [n, ...shape]) };
    const out = await session.run(feeds);
    return out[io.output].data;
  });
}

// x [n, *data_shape] from z [n, latent_dim] (flat Float32Arrays)
const generate = (z, n) => run(state.generator, state.metadata.onnx["generator.onnx"], z, n, [state.metadata.latent_dim]);
const encode = (x, n) => run(state.encoder, state.metadata.onnx["encoder.onnx"], x, n, state.metadata.data_shape);

// ---- the prior (as export/sample.py's draw_prior, with this page's own random numbers) ------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(uniform) {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

// truncation t > 0 (normal prior): every coordinate beyond t standard deviations is redrawn
function drawPrior(n, seed, truncation, prior = state.metadata.prior, d = state.metadata.latent_dim) {
  const uniform = mulberry32(seed);
  const z = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    if (prior.name === "uniform") {
      for (let j = 0; j < d; j++) z[i * d + j] = prior.low + (prior.high - prior.low) * uniform();
    } else {
      let norm = 0;
      for (let j = 0; j < d; j++) {
        let v = normal(uniform);
        while (prior.name === "normal" && truncation > 0 && Math.abs(v) > truncation) v = normal(uniform);
        z[i * d + j] = v;
        norm += v * v;
      }
      for (let j = 0; j < d; j++) {
        const v = z[i * d + j];
        z[i * d + j] = prior.name === "normal" ? prior.loc + prior.scale * v : (prior.radius * v) / Math.sqrt(norm);
      }
    }
  }
  return z;
}

// z_a -> z_b: spherical for the normal and sphere priors (White 2016), linear for the uniform box
function interpolate(a, b, t) {
  const out = new Float32Array(a.length);
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < a.length; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += b[j] * b[j]; }
  const omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb || 1))));
  const spherical = state.metadata.prior.name !== "uniform" && omega > 1e-4;
  for (let j = 0; j < a.length; j++) {
    out[j] = spherical
      ? (Math.sin((1 - t) * omega) * a[j] + Math.sin(t * omega) * b[j]) / Math.sin(omega)
      : (1 - t) * a[j] + t * b[j];
  }
  return out;
}

// ---- drawing ----------------------------------------------------------------------------------

function isImage() {
  return state.metadata.data_shape.length === 3 && (state.metadata.data || {}).value_range;
}

// one image (data_shape [h, w, c], c = 1 grey, 3 RGB, else the first channel) as an ImageData
function toImageData(x, offset) {
  const [h, w, c] = state.metadata.data_shape;
  const [lo, hi] = state.metadata.data.value_range;
  const image = new ImageData(w, h);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const v = x[offset + p * c + (c === 3 ? k : 0)];
      image.data[p * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
    }
    image.data[p * 4 + 3] = 255;
  }
  return image;
}

function drawImages(canvas, x, n, cols, scale) {
  const [h, w] = state.metadata.data_shape;
  const rows = Math.ceil(n / cols);
  canvas.width = cols * w * scale;
  canvas.height = rows * h * scale;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  const tile = document.createElement("canvas");
  tile.width = w;
  tile.height = h;
  for (let i = 0; i < n; i++) {
    tile.getContext("2d").putImageData(toImageData(x, i * size(state.metadata.data_shape)), 0, 0);
    ctx.drawImage(tile, (i % cols) * w * scale, Math.floor(i / cols) * h * scale, w * scale, h * scale);
  }
}

function drawScatter(x, n) {
  const canvas = $("scatter");
  const ctx = canvas.getContext("2d");
  let bound = 0;
  for (let i = 0; i < 2 * n; i++) bound = Math.max(bound, Math.abs(x[i]));
  bound = 1.1 * (bound || 1);
  const px = (v) => ((v + bound) / (2 * bound)) * canvas.width;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = "#ddd";
  ctx.beginPath();
  ctx.moveTo(px(0), 0); ctx.lineTo(px(0), canvas.height);
  ctx.moveTo(0, px(0)); ctx.lineTo(canvas.width, px(0));
  ctx.stroke();
  ctx.fillStyle = "rgba(20, 80, 200, 0.5)";
  for (let i = 0; i < n; i++) {
    ctx.beginPath();
    ctx.arc(px(x[2 * i]), canvas.height - px(x[2 * i + 1]), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = "#555";
  ctx.fillText(`${n} samples, axes to ±${bound.toPrecision(3)}`, 8, 14);
}

function highlight() {
  const [h, w] = state.metadata.data_shape;
  const scale = $("grid").width / (GRID * w);
  const ctx = $("grid").getContext("2d");
  ctx.lineWidth = 2;
  state.picked.forEach((i, k) => {
    ctx.strokeStyle = k === 0 ? "#f80" : "#0cf";
    ctx.strokeRect((i % GRID) * w * scale + 1, Math.floor(i / GRID) * h * scale + 1, w * scale - 2, h * scale - 2);
  });
}

async function resample() {
  const truncation = Number($("truncation").value);
  const n = isImage() ? GRID * GRID : POINTS;
  state.z = drawPrior(n, state.seed++, truncation);
  state.picked = [];
  window.zoo.z = Array.from(state.z); // what is on the screen, for tests
  const x = await generate(state.z, n);
  if (isImage()) drawImages($("grid"), x, n, GRID, 3);
  else if (state.metadata.data_shape.length === 1 && state.metadata.data_shape[0] === 2) drawScatter(x, n);
}

async function pick(event) {
  const [h, w] = state.metadata.data_shape;
  const rect = $("grid").getBoundingClientRect();
  const cell = (rect.width / GRID);
  const i = Math.floor((event.clientY - rect.top) / cell) * GRID + Math.floor((event.clientX - rect.left) / cell);
  if (i < 0 || i >= GRID * GRID) return;
  state.picked = state.picked.length === 1 ? [state.picked[0], i] : [i];
  const x = await generate(state.z, GRID * GRID);
  drawImages($("grid"), x, GRID * GRID, GRID, 3);
  highlight();
  if (state.picked.length === 2) await animate(...state.picked);
}

async function animate(a, b) {
  const d = state.metadata.latent_dim;
  const za = state.z.subarray(a * d, (a + 1) * d), zb = state.z.subarray(b * d, (b + 1) * d);
  const z = new Float32Array(FRAMES * d);
  for (let f = 0; f < FRAMES; f++) z.set(interpolate(za, zb, f / (FRAMES - 1)), f * d);
  const x = await generate(z, FRAMES);
  const per = size(state.metadata.data_shape);
  const strip = new Float32Array(8 * per);
  for (let k = 0; k < 8; k++) strip.set(x.subarray(Math.round((k * (FRAMES - 1)) / 7) * per).subarray(0, per), k * per);
  drawImages($("interp-strip"), strip, 8, 8, 2);
  $("interpolation").hidden = false;
  clearInterval(state.timer);
  let frame = 0;
  state.timer = setInterval(() => {
    const f = frame < FRAMES ? frame : 2 * FRAMES - 1 - frame; // there and back
    drawImages($("interp-frame"), x.subarray(f * per), 1, 1, 6);
    frame = (frame + 1) % (2 * FRAMES);
  }, 40);
}

// ---- the encoder ------------------------------------------------------------------------------

async function reconstruct(file) {
  const [h, w, c] = state.metadata.data_shape;
  const [lo, hi] = state.metadata.data.value_range;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    throw new BadExport(`${file.name} is not an image this browser can read.`);
  }
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const side = Math.min(bitmap.width, bitmap.height); // centre square, resized to the data's size
  canvas.getContext("2d").drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, w, h);
  const rgba = canvas.getContext("2d").getImageData(0, 0, w, h).data;
  const x = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < c; k++) {
      const v = c === 3 ? rgba[p * 4 + k] : 0.299 * rgba[p * 4] + 0.587 * rgba[p * 4 + 1] + 0.114 * rgba[p * 4 + 2];
      x[p * c + k] = lo + ((hi - lo) * v) / 255;
    }
  }
  const z = await encode(x, 1);
  const y = await generate(z, 1);
  drawImages($("recon-input"), x, 1, 1, 6);
  drawImages($("recon-output"), y, 1, 1, 6);
  $("recon").hidden = false;
  window.zoo.reconstruction = { x: Array.from(x), z: Array.from(z), y: Array.from(y) };
}

// ---- speed ------------------------------------------------------------------------------------

async function benchmark(batch, milliseconds) {
  const z = drawPrior(batch, 12345, 0);
  await generate(z, batch); // warm-up
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < milliseconds || calls < 3) {
    await generate(z, batch);
    calls++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { batch, samples_per_second: (calls * batch) / seconds, ms_per_call: (1000 * seconds) / calls };
}

async function measure() {
  $("measure").disabled = true;
  for (const batch of [1, 64]) {
    const r = await benchmark(batch, 2000);
    $("speed-table").insertAdjacentHTML("beforeend",
      `<tr><td>${batch}</td><td>${r.samples_per_second.toFixed(1)}</td><td>${r.ms_per_call.toFixed(2)}</td></tr>`);
  }
  $("measure").disabled = false;
}

// ---- start ------------------------------------------------------------------------------------

function fail(error) {
  const message = error instanceof BadExport ? error.message : `Something went wrong: ${error.message || error}`;
  $("error").textContent = message;
  $("error").hidden = false;
  window.zoo.error = message;
}

function guarded(task) {
  return (...args) => task(...args).catch(fail);
}

async function start() {
  state.metadata = await readMetadata();
  state.generator = await loadModel(state.metadata, "generator.onnx");
  if (state.metadata.onnx["encoder.onnx"] && isImage()) state.encoder = await loadModel(state.metadata, "encoder.onnx");
  const m = state.metadata;
  $("about").textContent = `${m.config || "export"}: ${m.model || "model"}` +
    (m.objective ? ` (${m.objective})` : "") + `, ${m.steps ?? "?"} steps; ${m.latent_dim}-d ${m.prior.name} prior; ` +
    `data ${(m.data || {}).name || "?"} ${JSON.stringify(m.data_shape)}; onnxruntime-web ${ort.env.versions?.web ?? ""}, ` +
    `${ort.env.wasm.numThreads} thread(s).`;
  $("samples").hidden = false;
  $("speed").hidden = false;
  $(isImage() ? "grid" : "scatter").hidden = false;
  $("grid-hint").hidden = !isImage();
  $("truncation-control").hidden = m.prior.name !== "normal";
  $("encoder").hidden = !state.encoder;
  $("resample").addEventListener("click", guarded(resample));
  $("grid").addEventListener("click", guarded(pick));
  $("truncation").addEventListener("input", () => {
    const t = Number($("truncation").value);
    $("truncation-value").textContent = t > 0 ? `${t.toFixed(1)} sd` : "off";
  });
  $("truncation").addEventListener("change", guarded(resample));
  $("measure").addEventListener("click", guarded(measure));
  const drop = $("drop");
  drop.addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", guarded(async () => $("file").files[0] && reconstruct($("file").files[0])));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", guarded(async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) await reconstruct(e.dataTransfer.files[0]);
  }));
  await resample();
}

window.zoo = {
  error: null,
  // for tests and benchmarks: flat arrays in, flat arrays out
  generate: async (z, n) => Array.from(await generate(Float32Array.from(z), n)),
  encode: async (x, n) => Array.from(await encode(Float32Array.from(x), n)),
  benchmark,
  prior: async (n, seed, truncation, prior, d) =>
    Array.from(drawPrior(n, seed, truncation, prior ?? state.metadata.prior, d ?? state.metadata.latent_dim)),
};
window.zoo.ready = start().then(() => true, (e) => { fail(e); return false; });
