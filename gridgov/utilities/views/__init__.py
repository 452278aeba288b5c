"""The utilities pages: staff lists and details (staff.py), the counter (counter.py), the bill
import and reconciliation (imports.py), and the public look-up and sandbox provider page
(public.py)."""
