"""Where benchmark tables go: printed, written to a Markdown file, and put into README.md between a
pair of markers (<!-- NAME:BEGIN --> ... <!-- NAME:END -->), so the README quotes the newest run."""


def replace_readme_section(text, path="README.md", marker="RESULTS"):
    """Puts `text` between the MARKER markers of the README (if it has them)."""
    begin, end = f"<!-- {marker}:BEGIN -->", f"<!-- {marker}:END -->"
    with open(path) as f:
        readme = f.read()
    if begin not in readme or end not in readme:
        return
    head, rest = readme.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{head}{begin}\n{text}\n{end}{tail}")


def publish(text, out, title, marker):
    """Prints `text`, writes it to `out` under a `title` heading, and into README's `marker` section,
    each headed by the machine's CPU and vector units (speed and rounding depend on them)."""
    from train import cpu

    text = f"Machine: {cpu.describe()}.\n\n{text}"
    print(text)
    with open(out, "w") as f:
        f.write(f"# {title}\n\n{text}\n")
    replace_readme_section(text, marker=marker)
