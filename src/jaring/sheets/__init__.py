"""Spreadsheets in and out, below every app: ``readers`` (streaming CSV/XLSX, bounded:
``filecheck`` inspects an XLSX as a zip before calamine allocates anything),
``headers`` (each importer's declared ``Sheet`` of ``Column``s and ``match_header``),
``cells`` (one parser per cell rule), ``rows`` (``RowError``, ``RowErrors``) and
``writers`` (``safe_cell``) and ``uploads`` (``saved_upload``: an uploaded file on disk
for the readers). Imports only the standard library, third-party libraries,
Django and ``jaring.errors``; ``cells``, ``headers`` and ``rows`` import no Django."""
