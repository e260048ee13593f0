{#-
    One row per day of occurred_at in the raw events export: the number of raw rows and the sum
    of a 64-bit hash of each row's raw columns (macros/cross_db/row_hash_number.sql), and
    `is_changed`: the day differs from the previous build's row (new, edited, added or removed
    rows). A day gone from the export keeps a row with no rows, changed, for one run. Rows
    without a usable occurred_at have no day: chg_raw__events searches them every run,
    and a stand-in day for them would be a real day of some other row.

    chg_raw__events looks for changed events only in the changed days. The raw columns
    are hashed as they are, not cleaned, since the cleaning is most of the cost of reading the
    raw rows, and the previous build's staged rows need not be read at all: the previous day
    sums are this table's previous build (read before it is replaced, and always built by the
    same run as stg_raw__events: a --select build makes the next run a full one;
    docs/decisions/0002-changed-events-per-day.md).
    A raw edit that the cleaning undoes (spaces, case) marks its day changed and then finds no
    changed event there. In a full build every day is changed.
-#}
{%- set continues = lead_scoring.continues_previous_build() %}
{%- set previous = none %}
{%- if execute and continues %}
    {%- set previous = adapter.get_relation(this.database, this.schema, this.identifier) %}
{%- endif %}
{%- set raw_events = ref('base_raw__events') %}
{%- set occurred_at = lead_scoring.clean_timestamp('occurred_at', raw_events) %}
{#- without a previous build, no previous days: every day is changed -#}
{%- set previous_days = previous if previous is not none else
    '(select cast(null as date) as day_key, cast(null as ' ~ dbt.type_bigint()
    ~ ') as row_count, cast(null as decimal(38, 0)) as hash_sum where 1 = 0)' %}

with

current_days as (
    select
        {{ lead_scoring.event_day_key(occurred_at) }} as day_key,
        count(*) as row_count,
        sum({{ lead_scoring.row_hash_number(lead_scoring.staged_event_columns()) }}) as hash_sum
    from {{ raw_events }}
    where {{ occurred_at }} is not null
    group by 1
),

compared as (
    select
        coalesce(current_days.day_key, previous_days.day_key) as day_key,
        coalesce(current_days.row_count, 0) as row_count,
        coalesce(current_days.hash_sum, 0) as hash_sum,
        (
            coalesce(current_days.row_count, 0) <> coalesce(previous_days.row_count, 0)
            or coalesce(current_days.hash_sum, 0) <> coalesce(previous_days.hash_sum, 0)
        ) as is_changed
    from current_days
    full outer join {{ previous_days }} as previous_days
        on current_days.day_key = previous_days.day_key
),

-- a day gone from the export stays, with no rows and changed, for this run only
final as (
    select * from compared
    where row_count > 0 or is_changed
)

select * from final
