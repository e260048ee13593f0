"""Reading the project's Markdown pages: their links, their headings' anchors, their SQL examples.

Only prose counts: fenced code blocks and inline code are neither links nor headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"`+[^`]*`+")
# [text](target) and ![alt](target), the target up to an optional "title"
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# a link's text inside a heading keeps only its text in the anchor
LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def documentation_files(project_dir: Path) -> list[Path]:
    """Every Markdown page of the project: README.md, CHANGELOG.md and docs/**/*.md."""
    pages = [project_dir / name for name in ("README.md", "CHANGELOG.md")]
    return [page for page in pages if page.exists()] + sorted((project_dir / "docs").rglob("*.md"))


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if opening and (fence is None or opening.group(1) == fence):
            fence = opening.group(1) if fence is None else None
            continue
        if fence is None:
            yield number, line


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = LINK_TEXT.sub(r"\1", heading).replace("`", "").lower()
    kept = "".join(char for char in text if char.isalnum() or char in "-_ ")
    return kept.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a page's headings; a repeated heading gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    result = set()
    for _, line in prose_lines(text):
        match = HEADING.match(line)
        if not match:
            continue
        anchor = github_anchor(match.group(1))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        result.add(anchor if count == 0 else f"{anchor}-{count}")
    return result


@dataclass(frozen=True)
class Link:
    """One link of a page: where it is and what it points to."""

    line: int
    target: str

    @property
    def leaves_the_repository_by_url(self) -> bool:
        return bool(SCHEME.match(self.target))

    @property
    def path(self) -> str:
        return self.target.split("#", 1)[0]

    @property
    def anchor(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None


def links(text: str) -> list[Link]:
    """Every inline link of a page's prose."""
    return [
        Link(number, match.group(1))
        for number, line in prose_lines(text)
        for match in INLINE_LINK.finditer(INLINE_CODE.sub("", line))
    ]


@dataclass(frozen=True)
class SqlExample:
    """One statement of a ```sql block, with the comment line that introduces it."""

    label: str
    sql: str


def sql_examples(text: str) -> list[SqlExample]:
    """Every statement of a page's ```sql blocks; a statement ends with a line ending in ';'."""
    examples = []
    for block in re.findall(r"^```sql\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        statement: list[str] = []
        for line in block.splitlines():
            statement.append(line)
            if line.rstrip().endswith(";"):
                examples.append(sql_example(statement))
                statement = []
        if any(line.strip() and not is_comment(line) for line in statement):
            examples.append(sql_example(statement))
    return examples


def sql_example(lines: list[str]) -> SqlExample:
    """A statement's lines as an example, labelled by its first comment line."""
    sql = "\n".join(lines).strip()
    comments = [line.strip().lstrip("-").strip() for line in lines if is_comment(line)]
    return SqlExample(label=comments[0] if comments else sql.splitlines()[0], sql=sql)


def is_comment(line: str) -> bool:
    return line.strip().startswith("--")
