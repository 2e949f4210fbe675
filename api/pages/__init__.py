"""The web pages for people: home, instruments, actors, themes, matrix, network, editor, search.

Server-rendered (Jinja2 templates in ``api/templates/``), bilingual interface (English/Spanish,
:mod:`api.pages.i18n`), no network access at run time: the only script (``/static/editor.js``)
and the editor's CodeMirror files (``/static/vendor/``, installed from npm by ``make install``)
are served by this server.

- :mod:`api.pages.data`: the pages' data, read with the REST resource functions
  (:mod:`api.rest.resources`) and cached per store version;
- :mod:`api.pages.highlight`: the operative verbs of a verbatim text, marked by strength;
- :mod:`api.pages.svg`: the coverage matrix and the cross-reference network as SVG;
- :mod:`api.pages.rendering`: templates, language, links, ETags, the HTML face of ``/id/…``;
- the routes are in :mod:`api.routes.pages`; ``docs/pages.md`` describes the pages.
"""
