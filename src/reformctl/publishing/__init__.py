"""Publishing policy: what may go public, and the record of what did.

The layer above reports/ and below cli/ (store → model → reports → publishing → cli). reports/
builds a report and renders it in any format, for anyone; this package decides what leaves the
team and keeps it:

- check.py (with check_claims.py and check_initials.py): the pre-publication check, reading what
  would go public the way a careful reviewer would;
- releases.py: frozen releases, each format published once with a manifest of hashes, recorded
  in the store, verified and compared; digests.py names the manifest and its hash;
- site/: the public website, built from the recorded releases only.

Nothing under reports/, model/ or store/ imports this package.
"""
