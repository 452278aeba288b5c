"""`field__prefix="430702004"`: rows whose code starts with the given prefix, written so that
both databases answer it from the column's index.

Django's `startswith` is `LIKE 'p%' ESCAPE '\\'` on SQLite, and SQLite never uses an index for
LIKE (its LIKE ignores ASCII case, the index does not): every scope filter read the whole table
(646k persons: 140 ms for one grid's 1,249). Here SQLite gets the range `col >= 'p' AND col <
'q'`, where q is p with its last character incremented — the same rows under SQLite's binary
order, found with an index search (2 ms). PostgreSQL keeps `LIKE 'p%'`, answered from the
`varchar_pattern_ops` index Django adds for indexed character columns (and from any B-tree under
the C collation).
"""

from django.db.models import CharField, Lookup


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
        if connection.vendor == "postgresql":
            return f"{lhs} LIKE %s", [*lhs_params, connection.ops.prep_for_like_query(self.rhs) + "%"]
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, upper]
