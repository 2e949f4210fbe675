"""The pages' interface strings in English and Spanish, and picking labels in a language.

The instruments' texts stay as written (Spanish); what the interface says around them, and the
labels of the data (which have English and Spanish variants), follow the page's language.
:data:`PAGE_UI` adds the pages' own strings to the linked-data pages' :data:`api.ld.html.UI`;
:func:`strings` gives both for a language. Both languages have the same keys (a test checks).

Example::

    >>> pick({"en": "urges", "es": "insta"}, "es")
    ('insta', 'es')
    >>> pick({"en": "Only in English"}, "es")
    ('Only in English', 'en')
    >>> strings("es")["matrix"]
    'Matriz de cobertura'
    >>> counted(strings("es"), "statements_count", 1), counted(strings("es"), "statements_count", 3)
    ('1 enunciado', '3 enunciados')
"""

from __future__ import annotations

from api.ld.html import UI

PAGE_UI: dict[str, dict[str, str]] = {
    "en": {
        "tagline": "What five international instruments on online child sexual exploitation and "
        "abuse ask of whom: their full texts, every operative verb with its strength, the "
        "addressees, conditions and themes of each request, and how the instruments relate.",
        "search_label": "Search the texts, actors and themes",
        "search_hint": "Every word must appear; case and accents do not matter.",
        "search_results": "Search results",
        "search_none": "Nothing matches all the words.",
        "search_count": "{n} results",
        "search_count_one": "1 result",
        "search_truncated": "Only the first {n} results of each kind are shown.",
        "search_too_long": "The search text is too long: at most {n} characters.",
        "matrix_intro": "The capabilities of the Global Strategic Response (rows, grouped by its "
        "six themes) against the five instruments (columns, by date). Each cell shows the "
        "strongest operative verb among the instrument's statements on that capability, with "
        "its strength (0-6) and the number of statements; an empty cell means no statement.",
        "matrix_table": "The matrix as a table",
        "network_intro": "Which works each instrument cites (lines to the right; thicker means "
        "more citing provisions) and where the provisions of a later instrument correspond to "
        "those of an earlier one (arcs on the left, with the number of correspondences).",
        "editor_intro": "Write a SPARQL query, or start from one of the catalogue's queries. The "
        "query runs on this server's endpoint (/sparql).",
        "query_label": "SPARQL query",
        "run": "Run query",
        "running": "Running…",
        "examples": "Catalogue queries",
        "examples_intro": "Each link opens the query in the editor; parameters are set to the "
        "catalogue's examples in a VALUES block.",
        "load": "Open in the editor",
        "results": "Results",
        "rows": "{n} rows",
        "rows_one": "1 row",
        "download": "Download the results",
        "no_script": "Without JavaScript, the button downloads the results in the chosen format.",
        "result_format": "Format of the download",
        "boolean_result": "Answer",
        "error": "Error",
        "actors_intro": "Everyone the instruments address, name as partners or beneficiaries, or "
        "act upon; the most concerned first.",
        "themes_intro": "The six themes and 26 capabilities of the Global Strategic Response "
        "(the common axis), and finer topics.",
        "topics": "Topics",
        "capabilities": "Capabilities",
        "instrument": "Instrument",
        "type": "Type",
        "date": "Date",
        "undated": "undated",
        "issuer": "Issuer",
        "legal_nature": "Legal nature",
        "provisions": "Provisions",
        "statements": "Statements",
        "symbol": "Symbol",
        "adopted_at": "Adopted at",
        "based_on_report": "Based on the report",
        "source_text": "Source text",
        "text_language": "Language of the text",
        "title": "Title",
        "english_title": "English title",
        "contents": "Contents",
        "full_text": "Full text",
        "full_text_note": "The text as encoded (verbatim, in Spanish). Operative verbs are "
        "marked by the strength of what they ask; each statement below its paragraph lists the "
        "addressees, qualifiers and themes.",
        "notes": "Editorial notes",
        "statement": "Statement",
        "force": "Force",
        "strength": "strength",
        "verb": "Verb",
        "chapeau_verb": "Verb of the chapeau",
        "indirect_verb": "clause-internal verb",
        "what": "What is asked",
        "addressees": "Addressees",
        "partners": "Partners",
        "indirect_targets": "Acted upon",
        "beneficiaries": "Beneficiaries",
        "concerned": "Concerned",
        "qualifiers": "Qualifiers",
        "qualifier_texts": "Qualifying words",
        "themes_of": "Themes",
        "addressee_basis": "How the addressees were determined",
        "comment": "Comment",
        "cites": "Cites",
        "corresponds": "Corresponds to",
        "corresponds_from": "Corresponding earlier provision",
        "corresponds_to": "Corresponding later provision",
        "asked": "Asked of this actor",
        "concerning": "Other statements that concern it",
        "roles": "Roles",
        "role_addressee": "addressee",
        "role_partner": "partner",
        "role_indirect_target": "acted upon",
        "role_beneficiary": "beneficiary",
        "role_concerned": "concerned",
        "per_instrument": "Statements per instrument",
        "none": "None.",
        "also_known_as": "Also known as",
        "part_of": "Part of",
        "coverage": "Coverage per instrument",
        "strongest": "Strongest force",
        "no_statement": "no statement",
        "definition": "Definition",
        "broader": "Broader",
        "narrower": "Narrower",
        "related": "Related",
        "source": "In the strategic response",
        "kind_theme": "theme",
        "kind_capability": "capability",
        "kind_topic": "topic",
        "legend": "Strength of the operative verbs",
        "legend_intro": "From 6 (decides) to 0 (an expected capability, with no operative verb). "
        "Colour, number and name all say the same.",
        "downloads": "Download",
        "as_csv": "CSV",
        "as_svg": "SVG image",
        "data_views": "Other views of this resource",
        "all_triples": "All its triples (generic view)",
        "rest_api": "REST API (JSON)",
        "explore": "Explore",
        "instruments_table": "The five instruments, by date of adoption",
        "most_concerned": "Most concerned actors",
        "works_cited": "Works cited",
        "citing_provisions": "Citing provisions",
        "correspondences": "Correspondences",
        "from": "From",
        "to": "To",
        "work": "Work",
        "cited_by": "Cited by",
        "relation": "Relation",
        "count": "Count",
        "language_of_text": "Verbatim text in Spanish",
        "statements_count": "{n} statements",
        "statements_count_one": "1 statement",
        "provisions_count": "{n} provisions",
        "provisions_count_one": "1 provision",
        "by_strength": "Statements by strength",
        "matrix_figure": "Coverage matrix as an image",
        "network_figure": "Cross-reference network as an image",
        "instruments_by_date": "Instruments (by date)",
        "statement_of": "statement",
        "footnote": "footnote",
        "vendor_missing": "Syntax highlighting is not installed (run make install); the plain "
        "text box works the same.",
    },
    "es": {
        "tagline": "Qué piden cinco instrumentos internacionales sobre la explotación y el abuso "
        "sexual de niños, niñas y adolescentes en línea, y a quién: sus textos completos, cada "
        "verbo dispositivo con su fuerza, los destinatarios, condiciones y temas de cada "
        "petición, y cómo se relacionan los instrumentos.",
        "search_label": "Buscar en los textos, actores y temas",
        "search_hint": "Deben aparecer todas las palabras; no importan mayúsculas ni tildes.",
        "search_results": "Resultados de la búsqueda",
        "search_none": "Nada contiene todas las palabras.",
        "search_count": "{n} resultados",
        "search_count_one": "1 resultado",
        "search_truncated": "Solo se muestran los primeros {n} resultados de cada tipo.",
        "search_too_long": "El texto de búsqueda es demasiado largo: como máximo {n} caracteres.",
        "matrix_intro": "Las capacidades de la Respuesta Estratégica Global (filas, agrupadas "
        "por sus seis temas) frente a los cinco instrumentos (columnas, por fecha). Cada celda "
        "muestra el verbo dispositivo más fuerte entre los enunciados del instrumento sobre esa "
        "capacidad, con su fuerza (0-6) y el número de enunciados; una celda vacía significa "
        "que no hay ninguno.",
        "matrix_table": "La matriz como tabla",
        "network_intro": "Qué obras cita cada instrumento (líneas a la derecha; más gruesas "
        "cuantas más disposiciones las citan) y dónde las disposiciones de un instrumento "
        "posterior corresponden a las de uno anterior (arcos a la izquierda, con el número de "
        "correspondencias).",
        "editor_intro": "Escriba una consulta SPARQL, o parta de una de las consultas del "
        "catálogo. La consulta se ejecuta en el punto de acceso de este servidor (/sparql).",
        "query_label": "Consulta SPARQL",
        "run": "Ejecutar la consulta",
        "running": "Ejecutando…",
        "examples": "Consultas del catálogo",
        "examples_intro": "Cada enlace abre la consulta en el editor; los parámetros toman los "
        "ejemplos del catálogo en un bloque VALUES.",
        "load": "Abrir en el editor",
        "results": "Resultados",
        "rows": "{n} filas",
        "rows_one": "1 fila",
        "download": "Descargar los resultados",
        "no_script": "Sin JavaScript, el botón descarga los resultados en el formato elegido.",
        "result_format": "Formato de la descarga",
        "boolean_result": "Respuesta",
        "error": "Error",
        "actors_intro": "Todos aquellos a quienes los instrumentos se dirigen, nombran como "
        "socios o beneficiarios, o sobre quienes se actúa; primero los más concernidos.",
        "themes_intro": "Los seis temas y las 26 capacidades de la Respuesta Estratégica Global "
        "(el eje común), y temas específicos.",
        "topics": "Temas específicos",
        "capabilities": "Capacidades",
        "instrument": "Instrumento",
        "type": "Tipo",
        "date": "Fecha",
        "undated": "sin fecha",
        "issuer": "Emisor",
        "legal_nature": "Naturaleza jurídica",
        "provisions": "Disposiciones",
        "statements": "Enunciados",
        "symbol": "Signatura",
        "adopted_at": "Aprobado en",
        "based_on_report": "Sobre la base del informe",
        "source_text": "Texto fuente",
        "text_language": "Idioma del texto",
        "title": "Título",
        "english_title": "Título en inglés",
        "contents": "Contenido",
        "full_text": "Texto completo",
        "full_text_note": "El texto tal como se codificó (literal, en español). Los verbos "
        "dispositivos se marcan según la fuerza de lo que piden; cada enunciado, bajo su "
        "párrafo, indica los destinatarios, calificadores y temas.",
        "notes": "Notas editoriales",
        "statement": "Enunciado",
        "force": "Fuerza",
        "strength": "fuerza",
        "verb": "Verbo",
        "chapeau_verb": "Verbo del encabezamiento",
        "indirect_verb": "verbo interno de una cláusula",
        "what": "Qué se pide",
        "addressees": "Destinatarios",
        "partners": "Socios",
        "indirect_targets": "Sobre quienes se actúa",
        "beneficiaries": "Beneficiarios",
        "concerned": "Concernidos",
        "qualifiers": "Calificadores",
        "qualifier_texts": "Palabras que califican",
        "themes_of": "Temas",
        "addressee_basis": "Cómo se determinaron los destinatarios",
        "comment": "Comentario",
        "cites": "Cita",
        "corresponds": "Corresponde a",
        "corresponds_from": "Disposición anterior correspondiente",
        "corresponds_to": "Disposición posterior correspondiente",
        "asked": "Lo que se pide a este actor",
        "concerning": "Otros enunciados que le conciernen",
        "roles": "Papeles",
        "role_addressee": "destinatario",
        "role_partner": "socio",
        "role_indirect_target": "sobre quien se actúa",
        "role_beneficiary": "beneficiario",
        "role_concerned": "concernido",
        "per_instrument": "Enunciados por instrumento",
        "none": "Ninguno.",
        "also_known_as": "También llamado",
        "part_of": "Parte de",
        "coverage": "Cobertura por instrumento",
        "strongest": "Fuerza máxima",
        "no_statement": "ningún enunciado",
        "definition": "Definición",
        "broader": "Más general",
        "narrower": "Más específicos",
        "related": "Relacionados",
        "source": "En la respuesta estratégica",
        "kind_theme": "tema",
        "kind_capability": "capacidad",
        "kind_topic": "tema específico",
        "legend": "Fuerza de los verbos dispositivos",
        "legend_intro": "De 6 (decide) a 0 (una capacidad esperada, sin verbo dispositivo). "
        "Color, número y nombre dicen lo mismo.",
        "downloads": "Descargar",
        "as_csv": "CSV",
        "as_svg": "Imagen SVG",
        "data_views": "Otras vistas de este recurso",
        "all_triples": "Todas sus tripletas (vista genérica)",
        "rest_api": "API REST (JSON)",
        "explore": "Explorar",
        "instruments_table": "Los cinco instrumentos, por fecha de aprobación",
        "most_concerned": "Actores más concernidos",
        "works_cited": "Obras citadas",
        "citing_provisions": "Disposiciones que citan",
        "correspondences": "Correspondencias",
        "from": "De",
        "to": "A",
        "work": "Obra",
        "cited_by": "Citada por",
        "relation": "Relación",
        "count": "Número",
        "language_of_text": "Texto literal en español",
        "statements_count": "{n} enunciados",
        "statements_count_one": "1 enunciado",
        "provisions_count": "{n} disposiciones",
        "provisions_count_one": "1 disposición",
        "by_strength": "Enunciados por fuerza",
        "matrix_figure": "Matriz de cobertura como imagen",
        "network_figure": "Red de referencias cruzadas como imagen",
        "instruments_by_date": "Instrumentos (por fecha)",
        "statement_of": "enunciado",
        "footnote": "nota",
        "vendor_missing": "El resaltado de sintaxis no está instalado (ejecute make install); el "
        "cuadro de texto funciona igual.",
    },
}


def strings(language: str) -> dict[str, str]:
    """Every interface string (linked-data pages' and these pages') in ``language``."""
    return {**UI[language], **PAGE_UI[language]}


def counted(ui: dict[str, str], key: str, n: int) -> str:
    """``ui[key]`` for ``n`` things (``{n} statements``), its ``_one`` form for one."""
    if n == 1 and f"{key}_one" in ui:
        return ui[f"{key}_one"]
    return ui[key].format(n=n)


def pick(texts: dict[str, str], language: str) -> tuple[str, str]:
    """(text, its language): in ``language``, else English, else Spanish, else any."""
    for tag in (language, "en", "es"):
        if texts.get(tag):
            return texts[tag], tag
    for tag, text in texts.items():
        if text:
            return text, tag
    return "", ""
