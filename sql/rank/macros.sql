-- Macros of stage `rank`.

-- Population-weighted decile of a family within its group (kelompok): desil 1 holds the poorest
-- ~10% of individuals. Families are ordered by skor (low = poor); a family's decile is where the
-- midpoint of its members falls on the group's cumulative population:
--     desil = floor(10 * (before + weight / 2) / total) + 1
-- so one huge family lands in the decile that holds most of its members. Families with EQUAL
-- scores form one block and share the decile of the block's midpoint (two families with the same
-- estimate are never split across deciles by an arbitrary tie-break). Integer arithmetic: no
-- floating-point error at the 10% boundaries. Shares can only miss 10% by the largest block's
-- share of its group (the check `desil_seimbang` allows exactly that).
-- All three sums share one window (partition and order), so each level costs one sort: the sum up
-- to and including the family's equal-score block, the sum before the block (EXCLUDE GROUP), and
-- the group's total; the block's midpoint is their mean.
CREATE OR REPLACE MACRO desil_berbobot(skor, bobot, kelompok) AS
    CAST(least(10, (10 * (sum(bobot) OVER (PARTITION BY kelompok ORDER BY skor RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                          + coalesce(sum(bobot) OVER (PARTITION BY kelompok ORDER BY skor
                                                      RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP), 0)))
                   // (2 * sum(bobot) OVER (PARTITION BY kelompok ORDER BY skor RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
                   + 1) AS INTEGER);
