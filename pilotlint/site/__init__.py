"""The static portfolio site (`pilotlint site OUTDIR`) and the HTML one-pager
(`summary --format html`).

- `data`: the only module that talks to the engine: it turns a check result into plain
  values (the portfolio rows, and per pilot the summary, the weekly series, the log);
- `charts`: pure functions from those values to inline SVG;
- `render`: the Jinja2 environment (HTML autoescaping on), the style sheet and its CSP;
- `write`: files under OUTDIR only, never through a symbolic link;
- `build`: the three put together.

No JavaScript anywhere: see docs/decisions/0006-static-site.md.
"""
