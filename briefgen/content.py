"""What a brief's text needs beyond its schema, checked when it is validated: Markdown that the renderers
keep whole, and images that can be read through its resource door (embedded as data: URIs from then on).
So a brief that validates also renders: nothing below is first found while laying out a page."""

from __future__ import annotations

from pathlib import Path

from briefgen import markdown, markdown_depth
from briefgen.errors import BriefgenError, Problem
from briefgen.load import Source, walk_strings
from briefgen.resources import Policy, Refused, image_data_uri

TOO_DEEP = f"Markdown nested more than {markdown.MAX_NESTING - 2} levels deep; flatten it (deeper text is lost)"


def check_content(source: Source, policy: Policy, base_dir: Path) -> dict[str, str]:
    """Every Markdown image of a brief read through ``policy`` as a data: URI, by its src.

    Raise BriefgenError naming each field whose Markdown nests too deep for the renderers, and each image
    refused (outside the project, remote, not an image, not decodable), at the image's place in the field.
    """
    images: dict[str, str] = {}
    problems: list[Problem] = []
    for loc, text in walk_strings(source.data):
        if markdown_depth.loses_text(text) or markdown_depth.too_deep_inline(text):
            problems.append(source.problem(loc, TOO_DEEP))
            continue  # its images are not parsed: the field would be cut short
        for src in markdown.image_sources(text):
            if src in images:
                continue
            try:
                images[src] = image_data_uri(policy.read(src, base_dir), src)
            except Refused as exc:
                problems.append(source.problem(loc, str(exc), within=(src, 0)))
    if problems:
        raise BriefgenError(problems)
    return images
