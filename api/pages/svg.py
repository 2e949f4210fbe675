"""The coverage matrix and the cross-reference network as SVG, drawn on the server.

Both pictures are built with :mod:`xml.etree.ElementTree` (so the markup is always well formed
and every text escaped), use presentation attributes only (no ``style``: the pages' Content
Security Policy allows no inline styles), and are accessible: ``role="img"``, a ``<title>`` and
``<desc>`` for the whole, a ``<title>`` for each cell, node and edge, links (``<a href>``) to the
pages of what they show. Colour never carries meaning alone: each matrix cell prints its
strength and force, each edge its count.

- :func:`matrix_svg`: capabilities (rows, grouped by theme) by instruments (columns); a cell is
  filled by the strongest force's strength (:data:`STRENGTH_FILL`, light to dark) and says
  ``4 · urges`` and how many statements;
- :func:`network_svg`: the instruments in a column (by date), the works they cite in a column to
  their right (lines, thicker for more citing provisions), and the correspondences between the
  instruments' provisions as arcs on their left (labelled with their number, arrow to the later
  instrument). The layout is deterministic: the same data draws the same picture.

Example::

    >>> svg = matrix_svg(matrix, "en", strings("en"), href=lambda path: path)  # doctest: +SKIP
    >>> svg.startswith("<svg")                                                # doctest: +SKIP
    True
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from api.pages.data import InstrumentEdge, Matrix, MatrixCell, Network
from api.pages.i18n import counted, pick
from api.rest import models as m

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

STRENGTH_FILL = {
    0: "#ececec",
    1: "#deebf7",
    2: "#c6dbef",
    3: "#9ecae1",
    4: "#6baed6",
    5: "#2166ac",
    6: "#053061",
}
"""Cell colour by strength, light (weak) to dark (strong): a single-hue scale that reads in grey
too. The text on it is dark up to 4 and white from 5 (contrast at least 4.5:1 everywhere)."""

DARK_TEXT = "#1b1f24"
LIGHT_TEXT = "#ffffff"
MUTED = "#4a5361"
BORDER = "#9aa3ae"

INSTRUMENT_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
"""Okabe-Ito colours, told apart by people with colour-vision deficiencies, one per instrument
(the network's lines; the instruments' names are printed too)."""

TIMES = "\u00d7"
"""The multiplication sign between a capability and an instrument in the cells' titles."""

CHAR_WIDTH = 0.58
"""Average glyph width of the sans-serif font, in ems: enough to cut text that would overflow."""

Href = Callable[[str], str]
"""Turns a server path (``/id/…``) into the link written in the SVG."""


def text_colour(strength: int | None) -> str:
    """The text colour readable on the fill of ``strength``."""
    return LIGHT_TEXT if strength is not None and strength >= 5 else DARK_TEXT


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels at font ``size``."""
    room = max(1, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def wrap(text: str, width: float, size: float, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels (the last one cut to fit)."""
    room = max(1, int(width / (size * CHAR_WIDTH)))
    result: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= room or not current:
            current = candidate
            continue
        result.append(current)
        current = word
        if len(result) == lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        result.append(current)
    return [fit(line, width, size) for line in result[:lines]]


def _svg(width: float, height: float, title: str, description: str, ident: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "width": f"{width:g}",
            "height": f"{height:g}",
            "viewBox": f"0 0 {width:g} {height:g}",
            "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc",
            "font-family": FONT,
            "font-size": "12",
            "fill": DARK_TEXT,
        },
    )
    ET.SubElement(root, "title", {"id": f"{ident}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{ident}-desc"}).text = description
    ET.SubElement(
        root, "rect", {"x": "0", "y": "0", "width": f"{width:g}", "height": f"{height:g}"}
    ).set("fill", "#ffffff")
    return root


def _text(parent: ET.Element, x: float, y: float, content: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(
        parent,
        "text",
        {"x": f"{x:g}", "y": f"{y:g}", **{k.replace("_", "-"): v for k, v in attributes.items()}},
    )
    element.text = content
    return element


def _link(parent: ET.Element, href: str, title: str) -> ET.Element:
    anchor = ET.SubElement(parent, "a", {"href": href})
    ET.SubElement(anchor, "title").text = title
    return anchor


def serialise(root: ET.Element, *, standalone: bool = False) -> str:
    """The SVG markup (with an XML declaration when it is a file of its own)."""
    markup = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + markup + "\n" if standalone else markup


# -- the matrix ----------------------------------------------------------------------------------

MATRIX_PAD = 12
LABEL_WIDTH = 380
CELL_WIDTH = 168
ROW_HEIGHT = 40
GROUP_HEIGHT = 28
HEADER_HEIGHT = 96
LEGEND_HEIGHT = 84


def instrument_caption(instrument: m.Instrument | m.InstrumentRef, language: str) -> str:
    """A short name for a column: its symbol, else its label."""
    if instrument.symbol:
        return instrument.symbol
    return pick(instrument.label, language)[0]


def force_names(forces: Sequence[m.ForceRef], language: str) -> str:
    """The names of one or more forces, joined."""
    return " / ".join(pick(force.label, language)[0] for force in forces)


def short_name(name: str) -> str:
    """A force's name without its parenthesis (``requests (of a subordinate organ)`` →
    ``requests``): the cell's number tells the two apart, its title gives the whole name."""
    return name.split(" (", 1)[0]


def cell_title(row_label: str, cell: MatrixCell, language: str, ui: dict[str, str]) -> str:
    """What a cell says, in words (its tooltip and accessible name)."""
    column = pick(cell.instrument.label, language)[0]
    if cell.coverage is None or cell.strength is None:
        return f"{row_label} {TIMES} {column}: {ui['no_statement']}"
    names = force_names(cell.coverage.strongest_forces, language)
    count = counted(ui, "statements_count", cell.statements)
    return f"{row_label} {TIMES} {column}: {names} ({ui['strength']} {cell.strength}), {count}"


def matrix_svg(
    matrix: Matrix,
    forces: Sequence[m.Force],
    language: str,
    ui: dict[str, str],
    href: Href,
    ident: str = "matrix",
) -> ET.Element:
    """The coverage matrix as an SVG element (see the module documentation)."""
    columns = len(matrix.instruments)
    width = MATRIX_PAD * 2 + LABEL_WIDTH + columns * CELL_WIDTH
    body = sum(GROUP_HEIGHT + len(g.rows) * ROW_HEIGHT for g in matrix.groups)
    height = MATRIX_PAD * 2 + HEADER_HEIGHT + body + LEGEND_HEIGHT
    root = _svg(width, height, ui["matrix"], ui["matrix_intro"], ident)
    left = MATRIX_PAD + LABEL_WIDTH

    header = ET.SubElement(root, "g", {"class": "matrix-columns"})
    for index, instrument in enumerate(matrix.instruments):
        x = left + index * CELL_WIDTH
        label = pick(instrument.label, language)[0]
        link = _link(header, href(instrument.url or instrument.id), label)
        lines = wrap(instrument_caption(instrument, language), CELL_WIDTH - 10, 12, 4)
        year = instrument.date.isoformat() if instrument.date else ui["undated"]
        top = MATRIX_PAD + HEADER_HEIGHT - 8 - 15 * len(lines)
        for number, line in enumerate(lines):
            _text(
                link,
                x + CELL_WIDTH / 2,
                top + 15 * number,
                line,
                text_anchor="middle",
                font_weight="600",
                fill="#0b57a4",
            )
        _text(
            header,
            x + CELL_WIDTH / 2,
            MATRIX_PAD + HEADER_HEIGHT - 8,
            year,
            text_anchor="middle",
            fill=MUTED,
            font_size="11",
        )

    y = MATRIX_PAD + HEADER_HEIGHT
    for group in matrix.groups:
        block = ET.SubElement(root, "g", {"class": "matrix-group"})
        ET.SubElement(
            block,
            "rect",
            {
                "x": f"{MATRIX_PAD}",
                "y": f"{y}",
                "width": f"{width - 2 * MATRIX_PAD}",
                "height": f"{GROUP_HEIGHT}",
                "fill": "#f5f7fa",
            },
        )
        if group.theme is not None:
            name = pick(group.theme.label, language)[0]
            caption = f"{group.theme.notation} · {name}" if group.theme.notation else name
            link = _link(block, href(group.theme.url or group.theme.id), name)
            _text(
                link,
                MATRIX_PAD + 6,
                y + GROUP_HEIGHT / 2 + 5,
                fit(caption, width, 13),
                font_weight="700",
                font_size="13",
                fill="#0b57a4",
            )
        y += GROUP_HEIGHT
        for row in group.rows:
            capability = row.capability
            name = pick(capability.label, language)[0]
            row_label = f"{capability.notation}. {name}" if capability.notation else name
            row_group = ET.SubElement(block, "g", {"class": "matrix-row"})
            link = _link(row_group, href(capability.url or capability.id), row_label)
            lines = wrap(row_label, LABEL_WIDTH - 24, 12, 2)
            first = y + ROW_HEIGHT / 2 + 4 - 7 * (len(lines) - 1)
            for number, text in enumerate(lines):
                _text(link, MATRIX_PAD + 14, first + 14 * number, text, fill="#0b57a4")
            for index, cell in enumerate(row.cells):
                _matrix_cell(
                    row_group,
                    cell,
                    left + index * CELL_WIDTH,
                    y,
                    row_label,
                    language,
                    ui,
                    href(capability.url or capability.id),
                )
            y += ROW_HEIGHT

    _matrix_legend(root, forces, language, ui, MATRIX_PAD, y + 14, width - 2 * MATRIX_PAD)
    return root


def _matrix_cell(
    parent: ET.Element,
    cell: MatrixCell,
    x: float,
    y: float,
    row_label: str,
    language: str,
    ui: dict[str, str],
    link: str,
) -> None:
    strength = cell.strength
    group = ET.SubElement(
        parent,
        "g",
        {
            "class": "matrix-cell",
            "data-instrument": cell.instrument.slug,
            "data-strength": "" if strength is None else str(strength),
        },
    )
    title = cell_title(row_label, cell, language, ui)
    empty = strength is None or cell.coverage is None
    # a cell with statements is a link (to the capability's page) named by its title
    content = group if empty else _link(group, link, title)
    if empty:
        ET.SubElement(group, "title").text = title
    ET.SubElement(
        content,
        "rect",
        {
            "x": f"{x + 2:g}",
            "y": f"{y + 2:g}",
            "width": f"{CELL_WIDTH - 4}",
            "height": f"{ROW_HEIGHT - 4}",
            "rx": "3",
            "fill": "#ffffff" if empty else STRENGTH_FILL.get(strength or 0, "#ffffff"),
            "stroke": BORDER,
            "stroke-width": "1",
            **({"stroke-dasharray": "3 3"} if empty else {}),
        },
    )
    centre = x + CELL_WIDTH / 2
    if empty or cell.coverage is None:
        _text(group, centre, y + ROW_HEIGHT / 2 + 4, "—", text_anchor="middle", fill=MUTED)
        return
    colour = text_colour(strength)
    names = " / ".join(
        short_name(pick(force.label, language)[0]) for force in cell.coverage.strongest_forces
    )
    _text(
        content,
        centre,
        y + 17,
        fit(f"{strength} · {names}", CELL_WIDTH - 10, 12),
        text_anchor="middle",
        font_weight="700",
        fill=colour,
    )
    _text(
        content,
        centre,
        y + 32,
        counted(ui, "statements_count", cell.statements),
        text_anchor="middle",
        font_size="11",
        fill=colour,
    )


def _matrix_legend(
    root: ET.Element,
    forces: Sequence[m.Force],
    language: str,
    ui: dict[str, str],
    x: float,
    y: float,
    width: float,
) -> None:
    legend = ET.SubElement(root, "g", {"class": "matrix-legend"})
    _text(legend, x, y, ui["legend"], font_weight="700")
    by_strength: dict[int, list[str]] = {}
    for force in forces:
        if force.strength is not None:
            by_strength.setdefault(force.strength, []).append(pick(force.label, language)[0])
    entries = [(s, " / ".join(by_strength[s])) for s in sorted(by_strength, reverse=True)]
    entries.append((-1, ui["no_statement"]))
    per_line = 4
    slot = width / per_line
    for index, (strength, names) in enumerate(entries):
        column, line = index % per_line, index // per_line
        left = x + column * slot
        top = y + 10 + line * 26
        empty = strength < 0
        ET.SubElement(
            legend,
            "rect",
            {
                "x": f"{left:g}",
                "y": f"{top:g}",
                "width": "30",
                "height": "18",
                "rx": "3",
                "fill": "#ffffff" if empty else STRENGTH_FILL[strength],
                "stroke": BORDER,
                **({"stroke-dasharray": "3 3"} if empty else {}),
            },
        )
        _text(
            legend,
            left + 15,
            top + 13,
            "—" if empty else str(strength),
            text_anchor="middle",
            font_weight="700",
            fill=MUTED if empty else text_colour(strength),
        )
        _text(legend, left + 36, top + 13, fit(names, slot - 42, 11), font_size="11")


# -- the network ---------------------------------------------------------------------------------

NETWORK_PAD = 16
ARC_ROOM = 250
ARC_STEP = 26
INSTRUMENT_WIDTH = 250
INSTRUMENT_HEIGHT = 58
GAP = 230
WORK_WIDTH = 400
WORK_HEIGHT = 24
WORK_STEP = 30
NETWORK_HEADER = 40


def network_svg(
    network: Network, language: str, ui: dict[str, str], href: Href, ident: str = "network"
) -> ET.Element:
    """The citation and correspondence network as an SVG element (see the module)."""
    instruments = network.instruments
    works = network.works
    works_height = max(1, len(works)) * WORK_STEP
    instruments_height = max(1, len(instruments)) * (INSTRUMENT_HEIGHT + 40)
    body = max(works_height, instruments_height)
    width = NETWORK_PAD * 2 + ARC_ROOM + INSTRUMENT_WIDTH + GAP + WORK_WIDTH
    height = NETWORK_PAD * 2 + NETWORK_HEADER + body
    root = _svg(width, height, ui["network"], ui["network_intro"], ident)
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": f"{ident}-arrow",
            "viewBox": "0 0 10 10",
            "refX": "9",
            "refY": "5",
            "markerWidth": "9",
            "markerHeight": "9",
            "markerUnits": "userSpaceOnUse",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": MUTED})

    instrument_x = NETWORK_PAD + ARC_ROOM
    work_x = instrument_x + INSTRUMENT_WIDTH + GAP
    top = NETWORK_PAD + NETWORK_HEADER
    _text(root, instrument_x, NETWORK_PAD + 16, ui["instruments_by_date"], font_weight="700")
    _text(root, work_x, NETWORK_PAD + 16, ui["works_cited"], font_weight="700")

    step = body / max(1, len(instruments))
    centres: dict[str, float] = {}
    colours: dict[str, str] = {}
    for index, instrument in enumerate(instruments):
        centres[instrument.slug] = top + step * index + step / 2
        colours[instrument.slug] = INSTRUMENT_COLOURS[index % len(INSTRUMENT_COLOURS)]
    work_centres = {
        node.work.id: top + WORK_STEP * index + WORK_HEIGHT / 2 for index, node in enumerate(works)
    }

    citations = ET.SubElement(root, "g", {"class": "network-citations", "fill": "none"})
    for node in works:
        name = pick(node.work.label, language)[0]
        for slug, items in node.citations.items():
            if slug not in centres:
                continue
            y1, y2 = centres[slug], work_centres[node.work.id]
            x1, x2 = instrument_x + INSTRUMENT_WIDTH, work_x
            middle = (x1 + x2) / 2
            citation = ET.SubElement(citations, "g", {"class": "network-citation"})
            parts = ", ".join(dict.fromkeys(c.provision.part for c in items))
            source = pick(items[0].instrument.label, language)[0]
            ET.SubElement(
                citation, "title"
            ).text = f"{source} → {name}: {ui['citing_provisions'].lower()} {parts}"
            ET.SubElement(
                citation,
                "path",
                {
                    "d": f"M {x1:g} {y1:g} C {middle:g} {y1:g}, {middle:g} {y2:g}, {x2:g} {y2:g}",
                    "stroke": colours[slug],
                    "stroke-width": f"{1.2 + min(len(items), 6) * 0.8:g}",
                    "stroke-opacity": "0.8",
                },
            )

    arcs = ET.SubElement(root, "g", {"class": "network-correspondences", "fill": "none"})
    order = {instrument.slug: index for index, instrument in enumerate(instruments)}
    drawn = [e for e in network.edges if e.source.slug in centres and e.target.slug in centres]

    def span(edge: InstrumentEdge) -> int:
        return abs(order[edge.target.slug] - order[edge.source.slug])

    def backward(edge: InstrumentEdge) -> bool:
        return order[edge.target.slug] < order[edge.source.slug]

    # each arc its own lane, shorter spans inside, so that no two arcs (nor their labels) lie on
    # each other; backward arcs (later → earlier instrument) outside the forward ones of a span
    lanes = sorted(drawn, key=lambda e: (span(e), backward(e), order[e.source.slug]))
    lane_of = {id(edge): lane for lane, edge in enumerate(lanes)}
    for edge in drawn:
        y1, y2 = centres[edge.source.slug], centres[edge.target.slug]
        x = instrument_x
        lane = lane_of[id(edge)]
        bulge = min(ARC_ROOM - 12, 26 + ARC_STEP * lane)
        count = len(edge.correspondences)
        group = ET.SubElement(arcs, "g", {"class": "network-correspondence"})
        kinds = ", ".join(
            f"{pick(kind.label, language)[0] if kind else '?'} {n}" for kind, n in edge.by_type()
        )
        source = pick(edge.source.label, language)[0]
        target = pick(edge.target.label, language)[0]
        ET.SubElement(
            group, "title"
        ).text = f"{source} → {target}: {count} {ui['correspondences'].lower()} ({kinds})"
        shift = 6 + 3 * (lane % 6)
        offset = shift if y2 > y1 else -shift
        ET.SubElement(
            group,
            "path",
            {
                "d": f"M {x:g} {y1 + offset:g} C {x - bulge:g} {y1 + offset:g}, "
                f"{x - bulge:g} {y2 - offset:g}, {x:g} {y2 - offset:g}",
                "stroke": MUTED,
                "stroke-width": f"{1 + math.sqrt(count):.2f}",
                "marker-end": f"url(#{ident}-arrow)",
            },
        )
        label_x = x - bulge * 0.75
        label_y = (y1 + y2) / 2 + 4
        ET.SubElement(
            group,
            "circle",
            {
                "cx": f"{label_x:g}",
                "cy": f"{label_y - 4:g}",
                "r": "10",
                "fill": "#ffffff",
                "stroke": MUTED,
            },
        )
        _text(
            group,
            label_x,
            label_y,
            str(count),
            text_anchor="middle",
            font_size="11",
            font_weight="700",
            fill=DARK_TEXT,
        )

    nodes = ET.SubElement(root, "g", {"class": "network-instruments"})
    for instrument in instruments:
        y = centres[instrument.slug] - INSTRUMENT_HEIGHT / 2
        label = pick(instrument.label, language)[0]
        link = _link(nodes, href(instrument.url or instrument.id), label)
        ET.SubElement(
            link,
            "rect",
            {
                "x": f"{instrument_x}",
                "y": f"{y:g}",
                "width": f"{INSTRUMENT_WIDTH}",
                "height": f"{INSTRUMENT_HEIGHT}",
                "rx": "6",
                "fill": "#ffffff",
                "stroke": colours[instrument.slug],
                "stroke-width": "2.5",
            },
        )
        ET.SubElement(
            link,
            "rect",
            {
                "x": f"{instrument_x}",
                "y": f"{y:g}",
                "width": "8",
                "height": f"{INSTRUMENT_HEIGHT}",
                "fill": colours[instrument.slug],
            },
        )
        lines = wrap(instrument_caption(instrument, language), INSTRUMENT_WIDTH - 24, 12, 2)
        for number, line in enumerate(lines):
            _text(
                link,
                instrument_x + 16,
                y + 20 + 15 * number,
                line,
                font_weight="700",
                fill="#0b57a4",
            )
        when = instrument.date.isoformat() if instrument.date else ui["undated"]
        _text(link, instrument_x + 16, y + INSTRUMENT_HEIGHT - 8, when, font_size="11", fill=MUTED)

    boxes = ET.SubElement(root, "g", {"class": "network-works"})
    for node in works:
        y = work_centres[node.work.id] - WORK_HEIGHT / 2
        name = pick(node.work.label, language)[0]
        link = _link(boxes, href(node.work.url or node.work.id), name)
        ET.SubElement(
            link,
            "rect",
            {
                "x": f"{work_x}",
                "y": f"{y:g}",
                "width": f"{WORK_WIDTH}",
                "height": f"{WORK_HEIGHT}",
                "rx": "4",
                "fill": "#f5f7fa",
                "stroke": BORDER,
            },
        )
        _text(
            link,
            work_x + 8,
            y + WORK_HEIGHT / 2 + 4,
            fit(name, WORK_WIDTH - 16, 12),
            fill="#0b57a4",
        )
    return root
