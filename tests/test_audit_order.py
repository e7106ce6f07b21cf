"""The report's order (`rules.audit.flag_key`) when all but the flags' ids tie."""

from datetime import date

from salesproc.rules.audit import Flag, Rule, flag_key, in_report_order


def test_flags_alike_but_for_their_span_are_ordered_by_id_as_flag_key_orders_them():
    day = date(2026, 11, 30)
    alike = [
        Flag(Rule.MISSED_REVISIT, day, rep="zhang", from_day=date(2026, 11, first))
        for first in range(1, 20)
    ]
    others = [Flag(Rule.OVERLAP, day, rep="li", visits=(3, 4)), Flag(Rule.OVERLAP, day, rep="a")]
    flags = [*alike, *others]
    assert in_report_order(flags) == sorted(flags, key=flag_key)
    assert in_report_order(reversed(flags)) == sorted(flags, key=flag_key)
