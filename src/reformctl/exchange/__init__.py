"""Data exchange: records in and out of the store as files people edit, and between stores.

Spreadsheets (CSV and XLSX, read by sheets.py, the one reader), the spreadsheet import
(importer.py plans it, checking each row with import_rows.py; import_write.py writes it), a
quarter's status review (bulk.py), engagement files (engagement_file.py), engagement bundles
(bundle.py records, bundle_checks.py values, bundle_files.py files) and merging a colleague's
copy (merge.py, with merge_gate.py's rule that publicity is a person's decision). A file's problems are one type, errors.RowErrors, each at a
row (or bundle file) and a column (or field).

Where it sits: store -> model -> exchange -> cli, beside reports. Exchange uses the model's
validators and the store, so every door checks the same rules as the command line; the model,
the store and reports never import it, and it never imports reports. The XLSX tracker's layout,
shared by its writer in reports and the reader here, stays in model/tracker_layout.py, where both
can reach it. Like the rest of the library, exchange never imports typer or rich.
"""
