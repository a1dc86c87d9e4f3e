"""The personnel-file archive (notice 三、5: 对二级党组织书记的评价意见，由党委组织部、党委教师工作部/
人事处根据有关规定归入干部人事档案), run headless.

Each year is one BagIt bag (RFC 8493) with SHA-256 manifests: `ARCHIVE_DIR/{年度}/data/{工号}_{姓名}/`
holds the evaluation opinion as .docx and PDF/A-2b, and `manifest.json` beside the bag's tag files
says, for each file, the 述职编号 and 工号 it belongs to, its SHA-256, the source workbook's
SHA-256, the tool version and the time. Files and folders are readable by their owner only (POSIX).

What the archive promises:
- Append-only with recorded fingerprints. A run hashes only the files it adds; the hashes of
  files already archived come from the manifests, never from the disk. Before adding, every
  archived file is checked against its recorded hash in manifest-sha256.txt and manifest.json;
  any difference (or a symbolic link anywhere in the bag) stops the run with nothing written.
- Staged commit. The new bag is built beside the old one (`.staging-{年度}-*`, archived files
  hard-linked, new ones written with O_EXCL), validated, renamed `.ready-*`, then swapped in by
  two renames. A run killed at any moment leaves the previous bag or the new one; the next run
  finishes or undoes an interrupted swap and removes what is left over.
- Never adopted, never overwritten. A file in the bag that no manifest lists, or a bag whose
  manifest.json (or payload manifest) is gone, is moved to `隔离/{年度}-{时间}/` beside the bags with
  a 说明.txt saying why; `archive verify` lists those folders.
- The person folder is keyed by the reporter's own 工号 (述职 书记工号, or 组织's when the names
  agree); a 述职 row whose name and 工号 disagree with 组织 is not filed.
- The archive knows people. A 工号 is bound to the name (and folder, and 述职) recorded when it
  was first written, and a 述职 to the person it was first filed for; a run whose master says
  otherwise (a swapped or mistyped 工号, a changed name) refuses that person, naming both, and
  files nothing for them. `archive verify` reports a folder whose records or .docx name another
  person. A mistake is corrected only by `--refile 述职编号 --reason 原因`, which moves that
  述职's files to the master's person in the same staged commit and records the move.

The package, by seam: `store` (the write-once bag on disk, its checksums, recovery and quarantine),
`plan` (who is archived and what a run adds), `identity` (who a 工号 or 述职 was filed for, and
`--refile`), `pdf` (PDF/A by LibreOffice), `verify` (`archive verify`), `run` (one archive run).
"""

from __future__ import annotations

from annex_tools.archive.identity import (
    REFILE_HINT,
    Bound,
    Move,
    bindings,
    identity_conflict,
    misfiled,
    opinion_names,
    refile_entries,
)
from annex_tools.archive.pdf import (
    PDF_FILTER,
    to_pdf_a,
)
from annex_tools.archive.plan import (
    ArchiveResult,
    Record,
    opinion_context,
    plan_records,
)
from annex_tools.archive.run import (
    archive,
)
from annex_tools.archive.store import (
    DOC_STEM,
    KILL_AT_ENV,
    MANIFEST,
    NOTE,
    PAYLOAD_MANIFEST,
    QUARANTINE,
    STEPS,
    TAG_FILES,
    TAG_MANIFEST,
    ArchiveError,
    ArchiveTampered,
    BagState,
)
from annex_tools.archive.verify import (
    interrupted,
    notes,
    quarantined,
    verify,
    verify_bag,
)

__all__ = [
    "ArchiveError",
    "ArchiveResult",
    "ArchiveTampered",
    "BagState",
    "Bound",
    "DOC_STEM",
    "KILL_AT_ENV",
    "MANIFEST",
    "Move",
    "NOTE",
    "PAYLOAD_MANIFEST",
    "PDF_FILTER",
    "QUARANTINE",
    "REFILE_HINT",
    "Record",
    "STEPS",
    "TAG_FILES",
    "TAG_MANIFEST",
    "archive",
    "bindings",
    "identity_conflict",
    "interrupted",
    "misfiled",
    "notes",
    "opinion_context",
    "opinion_names",
    "plan_records",
    "quarantined",
    "refile_entries",
    "to_pdf_a",
    "verify",
    "verify_bag",
]
