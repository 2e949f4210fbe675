"""The JSON shapes of the REST resources (pydantic models, with OpenAPI examples).

Conventions shared by every model:

- ``id`` is the resource's IRI; ``url`` is where that IRI dereferences on this server
  (``/id/...``, or ``/ontology#Term`` for ontology terms; ``null`` for IRIs outside the
  project);
  ``api`` is the REST resource about it, where there is one;
- texts that carry a language are objects ``{"es": "...", "en": "..."}`` keyed by language tag
  (``""`` for a text without a tag);
- lists are in a stated order (document order, or strongest first; see each route);
- fields the data does not give are ``null`` or empty, never guessed.

The examples are real values from the graph (OSCE Ministerial Council Decision No. 9/07,
operative paragraph 4, and its one statement).
"""

from __future__ import annotations

import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

LangText = dict[str, str]

ID = "https://w3id.org/ocsea/id/"
OSCE = ID + "osce-mc-dec-9-07"
SERVER = "http://localhost:8000"
ONTOLOGY = "https://w3id.org/ocsea/ontology#"

T = TypeVar("T")


def _examples(*examples: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


# -- references -------------------------------------------------------------------------------

_ACTOR_REF: dict[str, Any] = {
    "id": ID + "actor/osce-participating-states",
    "url": SERVER + "/id/actor/osce-participating-states",
    "api": SERVER + "/api/actors/osce-participating-states",
    "label": {"en": "OSCE participating States", "es": "Estados participantes de la OSCE"},
}
_URGES: dict[str, Any] = {
    "id": ID + "force/urges",
    "url": SERVER + "/id/force/urges",
    "api": None,
    "label": {"en": "urges", "es": "insta"},
    "strength": 4,
}
_OSCE_REF: dict[str, Any] = {
    "id": OSCE,
    "url": SERVER + "/id/osce-mc-dec-9-07",
    "api": SERVER + "/api/instruments/osce-mc-dec-9-07",
    "label": {
        "en": "OSCE Ministerial Council Decision No. 9/07 on combating sexual "
        "exploitation of children on the Internet"
    },
    "slug": "osce-mc-dec-9-07",
    "symbol": "MC.DEC/9/07",
}
_PARA_4_REF: dict[str, Any] = {
    "id": OSCE + "/para_4",
    "url": SERVER + "/id/osce-mc-dec-9-07/para_4",
    "api": SERVER + "/api/instruments/osce-mc-dec-9-07/provisions/para_4",
    "label": {"en": "OSCE MC Decision No. 9/07, operative paragraph 4"},
    "part": "para_4",
    "instrument": "osce-mc-dec-9-07",
    "type": {
        "id": ONTOLOGY + "OperativeParagraph",
        "url": SERVER + "/ontology#OperativeParagraph",
        "api": None,
        "label": {"en": "operative paragraph", "es": "párrafo dispositivo"},
    },
    "number": "4",
    "position": 13,
}


class Ref(BaseModel):
    """A link to another resource: its IRI, where it dereferences, its labels."""

    id: str = Field(description="The IRI of the resource.")
    url: str | None = Field(
        default=None,
        description="Where the IRI dereferences on this server (null outside the project).",
    )
    api: str | None = Field(
        default=None, description="The REST resource about it, if there is one."
    )
    label: LangText = Field(default_factory=dict, description="rdfs:label by language tag.")

    model_config = _examples(_ACTOR_REF)


class ForceRef(Ref):
    """A deontic force with its ordinal strength (0 = expected capability … 6 = decides)."""

    strength: int | None = Field(default=None, description="Ordinal strength, 0-6.", ge=0, le=6)

    model_config = _examples(_URGES)


class InstrumentRef(Ref):
    """A link to an encoded instrument."""

    slug: str = Field(description="The instrument's short name, used in API paths.")
    symbol: str | None = Field(default=None, description="Document symbol, where it has one.")

    model_config = _examples(_OSCE_REF)


class ProvisionRef(Ref):
    """A link to a provision: where it is in its instrument."""

    part: str = Field(description="The provision's local name in its instrument (e.g. para_4).")
    instrument: str = Field(description="The slug of its instrument.")
    type: Ref | None = Field(default=None, description="Its most specific asserted class.")
    number: str | None = Field(default=None, description="The number as printed, if any.")
    position: int | None = Field(
        default=None, description="Reading order in the instrument, from 1."
    )

    model_config = _examples(_PARA_4_REF)


# -- pages ------------------------------------------------------------------------------------


class Page(BaseModel, Generic[T]):
    """One page of a collection. The ``Link`` header repeats ``next``/``prev`` (RFC 8288)."""

    items: list[T] = Field(description="The items of this page, in the collection's order.")
    page: int = Field(description="This page's number, from 1.", examples=[1])
    per_page: int = Field(description="Items per page (1-500).", examples=[50])
    total: int = Field(description="Items in the whole collection (all pages).", examples=[158])
    next: str | None = Field(default=None, description="URL of the next page, null on the last.")
    prev: str | None = Field(
        default=None, description="URL of the previous page, null on the first."
    )


# -- instruments ------------------------------------------------------------------------------

_INSTRUMENT_EXAMPLE: dict[str, object] = {
    "id": OSCE,
    "url": SERVER + "/id/osce-mc-dec-9-07",
    "api": SERVER + "/api/instruments/osce-mc-dec-9-07",
    "slug": "osce-mc-dec-9-07",
    "type": {
        "id": ONTOLOGY + "Decision",
        "url": SERVER + "/ontology#Decision",
        "api": None,
        "label": {"en": "decision", "es": "decisión"},
    },
    "label": {
        "en": "OSCE Ministerial Council Decision No. 9/07 on combating sexual exploitation of "
        "children on the Internet"
    },
    "title": {
        "es": "LUCHA CONTRA LA EXPLOTACIÓN SEXUAL DE LOS NIÑOS EN INTERNET",
        "en": "Combating Sexual Exploitation of Children on the Internet",
    },
    "symbol": "MC.DEC/9/07",
    "date": "2007-11-30",
    "undated_reason": {},
    "issuers": [
        {
            "id": ID + "actor/osce-ministerial-council",
            "url": SERVER + "/id/actor/osce-ministerial-council",
            "api": SERVER + "/api/actors/osce-ministerial-council",
            "label": {"en": "OSCE Ministerial Council", "es": "Consejo Ministerial de la OSCE"},
        }
    ],
    "legal_nature": {
        "id": ID + "legal-nature/politically-binding",
        "url": SERVER + "/id/legal-nature/politically-binding",
        "api": None,
        "label": {"en": "politically binding", "es": "políticamente vinculante"},
    },
    "provision_count": 23,
    "statement_count": 19,
}


class Instrument(BaseModel):
    """An encoded instrument, as listed."""

    id: str = Field(description="The instrument's IRI.")
    url: str | None = Field(default=None, description="Where the IRI dereferences on this server.")
    api: str = Field(description="This resource.")
    slug: str = Field(description="Short name used in API paths.")
    type: Ref | None = Field(
        default=None, description="Kind of instrument (resolution, decision …)."
    )
    label: LangText = Field(default_factory=dict, description="Short name by language.")
    title: LangText = Field(default_factory=dict, description="dcterms:title by language.")
    symbol: str | None = Field(default=None, description="Document symbol, where there is one.")
    date: datetime.date | None = Field(default=None, description="Adoption date, if known.")
    undated_reason: LangText = Field(
        default_factory=dict, description="Why there is no date, when there is none."
    )
    issuers: list[Ref] = Field(default_factory=list, description="Who issued it.")
    legal_nature: Ref | None = Field(default=None, description="Whether and how it binds.")
    provision_count: int = Field(description="Provisions (all units of text, footnotes too).")
    statement_count: int = Field(description="Normative statements its provisions express.")

    model_config = _examples(_INSTRUMENT_EXAMPLE)


class SourceText(BaseModel):
    """The file the instrument was transcribed from."""

    id: str
    url: str | None = None
    path: str | None = Field(default=None, description="Path in the project repository.")
    sha256: str | None = Field(default=None, description="SHA-256 of the file.")


class EditorialNote(BaseModel):
    """An erratum, ambiguity, extraction artefact or metadata note recorded by the encoders."""

    id: str
    url: str | None = None
    type: Ref | None = Field(default=None, description="Erratum, Ambiguity, ExtractionArtefact …")
    label: LangText = Field(default_factory=dict)
    about: list[Ref] = Field(
        default_factory=list, description="What the note is about (one or more resources)."
    )
    about_property: Ref | None = Field(
        default=None, description="For a metadata note: the property whose value it qualifies."
    )
    certainty: Ref | None = Field(
        default=None, description="For a metadata note: how sure the fact is."
    )
    erroneous_text: LangText = Field(
        default_factory=dict, description="The words of the source the note is about."
    )
    corrected_reading: LangText = Field(
        default_factory=dict, description="The reading followed (or the corrected one)."
    )
    comment: LangText = Field(default_factory=dict, description="The encoders' explanation.")

    model_config = _examples(
        {
            "id": OSCE + "/note_1",
            "url": SERVER + "/id/osce-mc-dec-9-07/note_1",
            "type": {
                "id": ONTOLOGY + "ExtractionArtefact",
                "url": SERVER + "/ontology#ExtractionArtefact",
                "api": None,
                "label": {"en": "extraction artefact"},
            },
            "label": {"en": "Extraction artefact: operative paragraph 11 split by a page break"},
            "about": [
                {
                    "id": OSCE + "/para_11",
                    "url": SERVER + "/id/osce-mc-dec-9-07/para_11",
                    "api": SERVER + "/api/instruments/osce-mc-dec-9-07/provisions/para_11",
                    "label": {"en": "OSCE MC Decision No. 9/07, operative paragraph 11"},
                }
            ],
            "about_property": None,
            "certainty": None,
            "erroneous_text": {"es": "y que facilite también"},
            "corrected_reading": {
                "es": "y que facilite también información para concienciar a los ciudadanos "
                "sobre ese problema y vínculos Web para el público;"
            },
            "comment": {"en": "In the source file operative paragraph 11 breaks off after …"},
        }
    )


class InstrumentDetail(Instrument):
    """An encoded instrument with all its metadata and the encoders' editorial notes."""

    english_title_status: str | None = Field(
        default=None, description="'official' or 'working translation'."
    )
    identifier: str | None = Field(
        default=None, description="Another identifier (journal reference …)."
    )
    adopted_at: Ref | None = Field(default=None, description="The meeting where it was adopted.")
    language: str | None = Field(
        default=None, description="IRI of the language of the encoded text."
    )
    source_text: SourceText | None = None
    based_on_report: Ref | None = Field(default=None, description="The report it was adopted on.")
    cites: list[Ref] = Field(default_factory=list, description="Works any provision cites.")
    comment: LangText = Field(default_factory=dict)
    notes: list[EditorialNote] = Field(
        default_factory=list,
        description="Editorial and metadata notes about the instrument, its provisions and "
        "statements, in the order of their names.",
    )

    model_config = _examples(
        {
            **_INSTRUMENT_EXAMPLE,
            "english_title_status": "official",
            "identifier": "Journal MC(15) No. 2, agenda item 8",
            "adopted_at": {
                "id": ID + "event/osce-mc-15-madrid",
                "url": SERVER + "/id/event/osce-mc-15-madrid",
                "api": None,
                "label": {"en": "Fifteenth Meeting of the OSCE Ministerial Council, Madrid"},
            },
            "language": "http://id.loc.gov/vocabulary/iso639-1/es",
            "source_text": {
                "id": OSCE + "/source",
                "url": SERVER + "/id/osce-mc-dec-9-07/source",
                "path": "data/sources/osce-mc-dec-9-07.es.txt",
                "sha256": "18839c869e29a10a9b4ef346b80478a195e2f8c08636e2edbd8a1efbfe76e998",
            },
            "based_on_report": None,
            "cites": [
                {
                    "id": ID + "work/osce-mc-dec-15-06",
                    "url": SERVER + "/id/work/osce-mc-dec-15-06",
                    "api": None,
                    "label": {"en": "OSCE Ministerial Council Decision No. 15/06 (Brussels)"},
                }
            ],
            "comment": {},
            "notes": [],
        }
    )


# -- statements and provisions ----------------------------------------------------------------

_STATEMENT_EXAMPLE: dict[str, object] = {
    "id": OSCE + "/para_4_st_1",
    "url": SERVER + "/id/osce-mc-dec-9-07/para_4_st_1",
    "label": {"en": "OSCE MC Decision No. 9/07 para. 4, statement 1"},
    "kinds": [
        {
            "id": ONTOLOGY + "NormativeStatement",
            "url": SERVER + "/ontology#NormativeStatement",
            "api": None,
            "label": {"en": "normative statement", "es": "enunciado normativo"},
        }
    ],
    "instrument": _OSCE_REF,
    "provision": _PARA_4_REF,
    "verbatim_verb": {"es": "Instar"},
    "chapeau_verb": {"es": "decide"},
    "is_indirect": False,
    "force": _URGES,
    "addressees": [_ACTOR_REF],
    "partners": [],
    "indirect_targets": [],
    "beneficiaries": [],
    "concerned": [],
    "addressee_basis": {},
    "qualifiers": [
        {
            "id": ID + "qualifier/consider",
            "url": SERVER + "/id/qualifier/consider",
            "api": None,
            "label": {"en": "to consider"},
        },
        {
            "id": ID + "qualifier/not-yet-done",
            "url": SERVER + "/id/qualifier/not-yet-done",
            "api": None,
            "label": {"en": "those that have not yet done so"},
        },
    ],
    "qualifier_texts": [
        {"es": "que todavía no lo hayan hecho"},
        {"es": "que consideren la penalización"},
    ],
    "themes": [
        {
            "id": ID + "theme/cap-2",
            "url": SERVER + "/id/theme/cap-2",
            "api": SERVER + "/api/themes/theme:cap-2",
            "label": {"en": "Legislation", "es": "Legislación"},
        }
    ],
    "action_summary": {
        "en": "Consider criminalising the intentional acquisition and possession of child "
        "pornography (the text's term), since viewing and possessing it stimulates the growth "
        "of that illicit industry."
    },
    "quote": {
        "es": "Instar a los Estados participantes que todavía no lo hayan hecho a que consideren "
        "la penalización de la adquisición y posesión intencionales de pornografía infantil"
    },
    "comment": {},
}


class Statement(BaseModel):
    """A normative statement: one thing a provision asks of (or expects from) some actors.

    Actors appear by role: ``addressees`` are asked to act; ``partners`` are the partners a
    framework names for an expected capability (it asks nothing of them in words);
    ``indirect_targets`` are those the addressees are to act upon or through; ``beneficiaries``
    those to be protected; ``concerned`` actors the encoders linked without a finer role.
    ``is_indirect`` marks a clause-internal verb (a statement inside another's sentence), which
    is unrelated to indirect targets.
    """

    id: str
    url: str | None = None
    label: LangText = Field(default_factory=dict)
    kinds: list[Ref] = Field(
        default_factory=list,
        description="Asserted classes: normative statement, capability expectation.",
    )
    instrument: InstrumentRef
    provision: ProvisionRef
    verbatim_verb: LangText = Field(
        default_factory=dict, description="The operative verb exactly as written."
    )
    chapeau_verb: LangText = Field(
        default_factory=dict, description="The verb of the chapeau it depends on, if any."
    )
    is_indirect: bool = Field(
        default=False, description="A clause-internal verb (ocsea:isIndirect)."
    )
    force: ForceRef | None = Field(default=None, description="Deontic force and its strength.")
    addressees: list[Ref] = Field(default_factory=list)
    partners: list[Ref] = Field(default_factory=list)
    indirect_targets: list[Ref] = Field(default_factory=list)
    beneficiaries: list[Ref] = Field(default_factory=list)
    concerned: list[Ref] = Field(default_factory=list)
    addressee_basis: LangText = Field(
        default_factory=dict, description="How the addressees were determined, if not named."
    )
    qualifiers: list[Ref] = Field(default_factory=list, description="Conditions and limits.")
    qualifier_texts: list[LangText] = Field(
        default_factory=list,
        description="The qualifying words as written, one per occurrence (the data does not "
        "pair them with the qualifier concepts).",
    )
    themes: list[Ref] = Field(default_factory=list, description="Backbone themes and topics.")
    action_summary: LangText = Field(default_factory=dict, description="What is asked.")
    quote: LangText = Field(default_factory=dict, description="The words that express it.")
    comment: LangText = Field(default_factory=dict)

    model_config = _examples(_STATEMENT_EXAMPLE)


class Provision(BaseModel):
    """A provision (any unit of an instrument's text), as listed."""

    id: str
    url: str | None = None
    api: str = Field(description="This resource.")
    part: str = Field(description="Local name in its instrument, used in API paths.")
    instrument: str = Field(description="Slug of its instrument.")
    type: Ref | None = Field(default=None, description="Most specific asserted class.")
    number: str | None = Field(
        default=None, description="Number as printed (absent if none printed)."
    )
    position: int = Field(description="Reading order over all provisions, 1..N without gaps.")
    label: LangText = Field(default_factory=dict)
    text: LangText = Field(default_factory=dict, description="Verbatim text of the source.")
    heading: LangText = Field(default_factory=dict, description="Heading, where printed.")
    introductory_phrase: LangText = Field(
        default_factory=dict, description="Opening phrase of a preambular paragraph."
    )
    sections: list[Ref] = Field(
        default_factory=list, description="Sections (other than the instrument) it is part of."
    )
    statement_count: int = Field(default=0, description="Normative statements it expresses.")

    model_config = _examples(
        {
            "id": OSCE + "/para_4",
            "url": SERVER + "/id/osce-mc-dec-9-07/para_4",
            "api": SERVER + "/api/instruments/osce-mc-dec-9-07/provisions/para_4",
            "part": "para_4",
            "instrument": "osce-mc-dec-9-07",
            "type": {
                "id": ONTOLOGY + "OperativeParagraph",
                "url": SERVER + "/ontology#OperativeParagraph",
                "api": None,
                "label": {"en": "operative paragraph", "es": "párrafo dispositivo"},
            },
            "number": "4",
            "position": 13,
            "label": {"en": "OSCE MC Decision No. 9/07, operative paragraph 4"},
            "text": {
                "es": "Instar a los Estados participantes que todavía no lo hayan hecho a que "
                "consideren la penalización de la adquisición y posesión intencionales de "
                "pornografía infantil, dado que el hecho de ver y poseer pornografía infantil "
                "estimula el crecimiento de esa industria ilícita;"
            },
            "heading": {},
            "introductory_phrase": {},
            "sections": [],
            "statement_count": 1,
        }
    )


class Footnote(BaseModel):
    """A footnote attached to a provision."""

    id: str
    url: str | None = None
    api: str | None = None
    number: str | None = Field(default=None, description="As printed (e.g. a superscript).")
    text: LangText = Field(default_factory=dict)


_CRC: dict[str, Any] = {
    "id": ID + "work/crc",
    "url": SERVER + "/id/work/crc",
    "type": {
        "id": ONTOLOGY + "Treaty",
        "url": SERVER + "/ontology#Treaty",
        "api": None,
        "label": {"en": "treaty"},
    },
    "label": {
        "en": "Convention on the Rights of the Child",
        "es": "Convención sobre los Derechos del Niño",
    },
    "title": {"en": "Convention on the Rights of the Child"},
    "alt_labels": [],
    "identifier": "UNTS vol. 1577, No. 27531",
    "symbol": None,
    "date": "1989-11-20",
    "issuers": [],
    "comment": {},
}


class Work(BaseModel):
    """A work (treaty, resolution, report …) cited by the instruments."""

    id: str
    url: str | None = None
    type: Ref | None = Field(default=None, description="Kind of work.")
    label: LangText = Field(default_factory=dict)
    title: LangText = Field(default_factory=dict)
    alt_labels: list[LangText] = Field(default_factory=list, description="Other names.")
    identifier: str | None = Field(default=None, description="Treaty Series reference, symbol …")
    symbol: str | None = None
    date: datetime.date | None = Field(default=None, description="Adoption date, if recorded.")
    issuers: list[Ref] = Field(default_factory=list)
    comment: LangText = Field(default_factory=dict, description="Where the facts come from.")

    model_config = _examples(_CRC)


class ProvisionCitation(BaseModel):
    """A work a provision cites, with how (the CiTO relations asserted)."""

    work: Work
    relations: list[str] = Field(
        default_factory=list,
        description="The CiTO properties asserted, as compact IRIs (cito: = "
        "http://purl.org/spar/cito/), e.g. cito:citesAsAuthority.",
    )


class Citation(ProvisionCitation):
    """A provision citing a work."""

    instrument: InstrumentRef
    provision: ProvisionRef

    model_config = _examples(
        {
            "work": _CRC,
            "relations": ["cito:citesAsAuthority"],
            "instrument": {
                "id": ID + "interpol-ga-2021-89-res-09",
                "url": SERVER + "/id/interpol-ga-2021-89-res-09",
                "api": SERVER + "/api/instruments/interpol-ga-2021-89-res-09",
                "label": {"en": "INTERPOL General Assembly Resolution No. 9 (GA-2021-89-RES-09)"},
                "slug": "interpol-ga-2021-89-res-09",
                "symbol": "GA-2021-89-RES-09",
            },
            "provision": {
                "id": ID + "interpol-ga-2021-89-res-09/pp_3",
                "url": SERVER + "/id/interpol-ga-2021-89-res-09/pp_3",
                "api": SERVER + "/api/instruments/interpol-ga-2021-89-res-09/provisions/pp_3",
                "label": {"en": "GA-2021-89-RES-09, preambular paragraph 3"},
                "part": "pp_3",
                "instrument": "interpol-ga-2021-89-res-09",
                "number": None,
                "position": 7,
            },
        }
    )


class Correspondence(BaseModel):
    """Two provisions of different instruments that ask the same thing, and how they differ."""

    id: str
    url: str | None = None
    label: LangText = Field(default_factory=dict)
    type: Ref | None = Field(default=None, description="same substance, strengthens, weakens …")
    from_instrument: InstrumentRef
    from_provision: ProvisionRef = Field(description="The earlier provision.")
    to_instrument: InstrumentRef
    to_provision: ProvisionRef = Field(description="The later provision.")
    capabilities: list[Ref] = Field(
        default_factory=list, description="Themes on which they meet (ocsea:onCapability)."
    )
    comment: LangText = Field(default_factory=dict, description="The basis of the link.")

    model_config = _examples(
        {
            "id": ID + "correspondence/hotlines-osce-unga",
            "url": SERVER + "/id/correspondence/hotlines-osce-unga",
            "label": {"en": "OSCE MC.DEC/9/07 para 5 → A/RES/74/174 para 16"},
            "type": {
                "id": ID + "correspondence-type/weakens",
                "url": SERVER + "/id/correspondence-type/weakens",
                "api": None,
                "label": {"en": "weakens", "es": "debilita"},
            },
            "from_instrument": _OSCE_REF,
            "from_provision": {
                "id": OSCE + "/para_5",
                "url": SERVER + "/id/osce-mc-dec-9-07/para_5",
                "api": SERVER + "/api/instruments/osce-mc-dec-9-07/provisions/para_5",
                "label": {"en": "OSCE MC Decision No. 9/07, operative paragraph 5"},
                "part": "para_5",
                "instrument": "osce-mc-dec-9-07",
                "number": "5",
                "position": 14,
            },
            "to_instrument": {
                "id": ID + "unga-res-74-174",
                "url": SERVER + "/id/unga-res-74-174",
                "api": SERVER + "/api/instruments/unga-res-74-174",
                "label": {
                    "en": "A/RES/74/174: Countering child sexual exploitation and sexual abuse "
                    "online"
                },
                "slug": "unga-res-74-174",
                "symbol": "A/RES/74/174",
            },
            "to_provision": {
                "id": ID + "unga-res-74-174/para_16",
                "url": SERVER + "/id/unga-res-74-174/para_16",
                "api": SERVER + "/api/instruments/unga-res-74-174/provisions/para_16",
                "label": {"en": "A/RES/74/174, operative paragraph 16"},
                "part": "para_16",
                "instrument": "unga-res-74-174",
                "number": "16",
                "position": 50,
            },
            "capabilities": [
                {
                    "id": ID + "theme/cap-6",
                    "url": SERVER + "/id/theme/cap-6",
                    "api": SERVER + "/api/themes/theme:cap-6",
                    "label": {"es": "Ciberayuda modernizada"},
                }
            ],
            "comment": {
                "en": "Reporting: the OSCE urges states that have not done so to install "
                "national hotlines …"
            },
        }
    )


class ProvisionDetail(Provision):
    """A provision with its statements, footnotes, citations, notes and correspondences."""

    themes: list[Ref] = Field(default_factory=list, description="Themes of the provision.")
    mentions: list[Ref] = Field(
        default_factory=list, description="Actors, programmes, events named (not cited works)."
    )
    statements: list[Statement] = Field(
        default_factory=list, description="Its normative statements, in document order."
    )
    footnotes: list[Footnote] = Field(default_factory=list)
    citations: list[ProvisionCitation] = Field(default_factory=list)
    notes: list[EditorialNote] = Field(
        default_factory=list, description="Notes about it or about its statements."
    )
    correspondences: list[Correspondence] = Field(default_factory=list)


# -- actors and themes --------------------------------------------------------------------------


class RoleCounts(BaseModel):
    """How many statements concern an actor, by role (a statement may count in two roles)."""

    addressee: int = 0
    partner: int = 0
    indirect_target: int = 0
    beneficiary: int = 0
    concerned: int = 0


class InstrumentCount(BaseModel):
    """Statements of one instrument that concern the actor."""

    instrument: InstrumentRef
    statements: int


class Actor(BaseModel):
    """An actor, with how many statements concern it."""

    id: str
    url: str | None = None
    api: str
    type: Ref | None = Field(default=None, description="Most specific asserted class.")
    label: LangText = Field(default_factory=dict)
    alt_labels: list[LangText] = Field(default_factory=list)
    comment: LangText = Field(default_factory=dict)
    parent: Ref | None = Field(default=None, description="The organisation it belongs to, if any.")
    statement_count: int = Field(description="Distinct statements that concern it, any role.")
    roles: RoleCounts
    instruments: list[InstrumentCount] = Field(
        default_factory=list, description="Statements per instrument (instruments by date)."
    )

    model_config = _examples(
        {
            "id": ID + "actor/osce-secretariat",
            "url": SERVER + "/id/actor/osce-secretariat",
            "api": SERVER + "/api/actors/osce-secretariat",
            "type": {
                "id": ONTOLOGY + "Organ",
                "url": SERVER + "/ontology#Organ",
                "api": None,
                "label": {"en": "organ of an organisation"},
            },
            "label": {"en": "OSCE Secretariat", "es": "Secretaría de la OSCE"},
            "alt_labels": [],
            "comment": {
                "en": "The OSCE Secretariat in Vienna, an executive structure subordinate to "
                "the decision-making bodies."
            },
            "parent": {
                "id": ID + "actor/osce",
                "url": SERVER + "/id/actor/osce",
                "api": SERVER + "/api/actors/osce",
                "label": {"en": "Organization for Security and Co-operation in Europe"},
            },
            "statement_count": 4,
            "roles": {
                "addressee": 4,
                "partner": 0,
                "indirect_target": 0,
                "beneficiary": 0,
                "concerned": 0,
            },
            "instruments": [{"instrument": _OSCE_REF, "statements": 4}],
        }
    )


class ActorStatement(Statement):
    """A statement as it concerns one actor."""

    roles: list[str] = Field(
        description="The actor's roles in it: addressee, partner, indirect_target, "
        "beneficiary, concerned."
    )
    indirect_target: bool = Field(
        description="True when the actor is only acted upon (an indirect target), not asked."
    )


class ActorDetail(Actor):
    """An actor and everything that concerns it, strongest first."""

    statements: list[ActorStatement] = Field(
        default_factory=list,
        description="Statements that concern it in any role: strongest force first, then "
        "instrument date (undated last), then document order.",
    )


class Coverage(BaseModel):
    """How one instrument covers a theme."""

    instrument: InstrumentRef
    statements: int = Field(description="Statements of the instrument on the theme.")
    max_strength: int | None = Field(default=None, description="Strongest force among them (0-6).")
    strongest_forces: list[ForceRef] = Field(
        default_factory=list, description="The force(s) with that strength."
    )


class Theme(BaseModel):
    """A backbone theme or capability (WeProtect GSR) or a finer topic, with its coverage."""

    id: str
    url: str | None = None
    api: str
    kind: str = Field(description="'theme', 'capability' or 'topic'.")
    notation: str | None = Field(
        default=None, description="T1-T6 for themes, 1-26 for capabilities."
    )
    label: LangText = Field(default_factory=dict)
    definition: LangText = Field(default_factory=dict)
    broader: list[Ref] = Field(default_factory=list)
    related: list[Ref] = Field(default_factory=list)
    statement_count: int = Field(
        description="Statements placed on it or on a narrower concept, all instruments."
    )
    coverage: list[Coverage] = Field(
        default_factory=list, description="Per instrument (by date, undated last)."
    )

    model_config = _examples(
        {
            "id": ID + "theme/cap-6",
            "url": SERVER + "/id/theme/cap-6",
            "api": SERVER + "/api/themes/theme:cap-6",
            "kind": "capability",
            "notation": "6",
            "label": {"es": "Ciberayuda modernizada"},
            "definition": {
                "en": "Capability 6 of the WeProtect Global Strategic Response ('Ciberayuda "
                "modernizada'); see its text in the instrument. English label: working "
                "translation."
            },
            "broader": [
                {
                    "id": ID + "theme/criminal-justice",
                    "url": SERVER + "/id/theme/criminal-justice",
                    "api": SERVER + "/api/themes/theme:criminal-justice",
                    "label": {"en": "Criminal justice", "es": "Justicia penal"},
                }
            ],
            "related": [],
            "statement_count": 5,
            "coverage": [
                {
                    "instrument": _OSCE_REF,
                    "statements": 1,
                    "max_strength": 4,
                    "strongest_forces": [_URGES],
                }
            ],
        }
    )


class ThemeDetail(Theme):
    """A theme with its narrower concepts and the statements placed on it."""

    narrower: list[Ref] = Field(default_factory=list)
    source: Ref | None = Field(
        default=None, description="For the backbone: the strategic response's cell it comes from."
    )
    statements: list[Statement] = Field(
        default_factory=list,
        description="Statements on it or a narrower concept, strongest first, then date and "
        "document order.",
    )


class Qualifier(BaseModel):
    """A qualifier concept (a condition or limit) with how many statements carry it."""

    id: str
    url: str | None = None
    label: LangText = Field(default_factory=dict)
    alt_labels: list[LangText] = Field(default_factory=list)
    definition: LangText = Field(default_factory=dict)
    broader: list[Ref] = Field(default_factory=list)
    statement_count: int = Field(description="Statements carrying it or a narrower qualifier.")

    model_config = _examples(
        {
            "id": ID + "qualifier/domestic-law",
            "url": SERVER + "/id/qualifier/domestic-law",
            "label": {
                "en": "in accordance with domestic law",
                "es": "de conformidad con el derecho interno",
            },
            "alt_labels": [{"es": "con arreglo a su marco jurídico interno"}],
            "definition": {
                "en": "The action is to be taken within, and as far as allowed by, the "
                "addressee's own legal order."
            },
            "broader": [],
            "statement_count": 9,
        }
    )


class Force(BaseModel):
    """A deontic force of the project's ordinal scale, with how many statements use it."""

    id: str
    url: str | None = None
    label: LangText = Field(default_factory=dict)
    strength: int | None = Field(default=None, ge=0, le=6)
    definition: LangText = Field(default_factory=dict)
    statement_count: int

    model_config = _examples(
        {
            "id": ID + "force/urges",
            "url": SERVER + "/id/force/urges",
            "label": {"en": "urges", "es": "insta"},
            "strength": 4,
            "definition": {
                "en": "The strongest hortatory verb addressed to states: presses for action "
                "without binding them. Strength 4."
            },
            "statement_count": 14,
        }
    )


# -- concrete pages (named schemas in OpenAPI) -------------------------------------------------


class InstrumentPage(Page[Instrument]):
    """A page of instruments (by date, undated last)."""


class ProvisionPage(Page[Provision]):
    """A page of provisions in document order."""


class StatementPage(Page[Statement]):
    """A page of statements, strongest first."""


class ActorPage(Page[Actor]):
    """A page of actors, most concerned first."""


class ThemePage(Page[Theme]):
    """A page of themes: backbone themes, capabilities, then topics."""


class CitationPage(Page[Citation]):
    """A page of citations in document order."""


class CorrespondencePage(Page[Correspondence]):
    """A page of correspondences, by the date of the earlier instrument."""


class QualifierPage(Page[Qualifier]):
    """A page of qualifiers."""


class ForcePage(Page[Force]):
    """A page of deontic forces, strongest first."""


class Problem(BaseModel):
    """An error: what was wrong with the request."""

    detail: str = Field(examples=["no instrument 'osce-2007': known instruments are …"])
