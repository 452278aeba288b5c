"""`field__prefix="430702004"`: rows whose code starts with the given prefix, written so that
both databases answer it from the column's index.

Django's `startswith` is `LIKE 'p%' ESCAPE '\\'` on SQLite, and SQLite never uses an index for
LIKE (its LIKE ignores ASCII case, the index does not): every scope filter read the whole table
(646k persons: 140 ms for one grid's 1,249). Here SQLite gets the range `col >= 'p' AND col <
'q'`, where q is p with its last character incremented — the same rows under SQLite's binary
order, found with an index search (2 ms). PostgreSQL keeps `LIKE 'p%'`, answered from the
`varchar_pattern_ops` index Django adds for indexed character columns (and from any B-tree under
the C collation) — except for a division code (digits only), which gets the same range as SQLite:
LIKE can use only the pattern-ops index, which has no ORDER BY order, so a list ordered by
(division_code, …) LIMIT 30 walked the plain index from the district's first code and filtered
(a grid worker's person list: 645,030 rows read, 421 ms), where the range starts the walk at the
grid (1,260 rows, 6 ms). Digit strings order digit by digit under every collation, so the range
holds the same rows as the LIKE.
"""

from django.db.models import CharField, Lookup

COUNTY = 6  # digits of a county code (GB/T 2260): the top of every division path


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, str):
            raise TypeError("__prefix takes a string")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 1", []
        if connection.vendor == "postgresql" and not self.rhs.isdigit():
            return f"{lhs} LIKE %s", [*lhs_params, connection.ops.prep_for_like_query(self.rhs) + "%"]
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        if connection.vendor == "sqlite" and self.rhs.isdigit() and len(self.rhs) <= COUNTY:
            # a whole county is (nearly) the whole table: the range would make SQLite read every
            # row through this index and sort them for an ORDER BY … LIMIT (the district's case
            # list: 340 ms), where walking the ORDER BY's own index stops after a page (0.1 ms).
            # Unary + keeps the same rows but takes the column's index out of the planner's choice.
            # Division codes only (digits): a name or pinyin prefix is short too, and without its
            # index a search read all 700,000 persons (bench/registry/search_bench: 196 ms).
            lhs = f"+{lhs}"
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]
