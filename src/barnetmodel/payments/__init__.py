"""Councils' published payments: read them, pick out one supplier's, and total them.

The reading half of `barnetmodel audit` (docs/audit.md): `read_payments` reads the CSV
files councils publish under the Local Government Transparency Code into a `Ledger`;
`match_supplier` says which distinct payee names are the supplier; `summarise` totals
their payments by financial year, by payee and by category. Nothing here imports the
scenario model: the audit sets these totals against a scenario's promise.
"""

from barnetmodel.payments.coded import TextColumn
from barnetmodel.payments.ledger import Dropped, FileReport, Ledger, Skipped, financial_year
from barnetmodel.payments.matching import match_supplier, words
from barnetmodel.payments.reader import read_payments
from barnetmodel.payments.summary import Amounts, Summary, summarise

__all__ = [
    "Amounts",
    "Dropped",
    "FileReport",
    "Ledger",
    "Skipped",
    "Summary",
    "TextColumn",
    "financial_year",
    "match_supplier",
    "read_payments",
    "summarise",
    "words",
]
