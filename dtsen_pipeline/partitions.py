"""Quarterly partitions: the key (a quarter start date, e.g. 2025-07-01) names the raw folder
and fills the `periode` column of every table."""

from dagster import TimeWindowPartitionsDefinition

quarterly = TimeWindowPartitionsDefinition(
    start="2025-01-01",
    cron_schedule="0 0 1 */3 *",
    fmt="%Y-%m-%d",
    end_offset=1,  # the running quarter is a partition as soon as it starts
)
