{#-
    The raw events an incremental run must stage again (macros/event_changes.sql): every row, as
    it is now ('current') and as the previous build staged it ('previous'), of each event_id
    whose rows differ between the raw export and the previous build of stg_raw__events (new,
    edited, withdrawn, copied or de-duplicated differently), or whose verdict was after_as_of
    (as_of has moved since); and every current row without an event_id. Rows are compared by
    their cleaned columns, by the number of rows and the sum of a 64-bit hash of each: per day of
    occurred_at first, then per event_id over the rows of the days that differ.

    In a full build it is empty: everything is staged again.
-#}
{%- set continues = lead_scoring.continues_previous_build() %}
{%- set previous = none %}
{%- if execute and continues %}
    {%- set previous = adapter.get_relation(this.database, this.schema, 'stg_raw__events') %}
    {%- if previous is none %}
        {{ exceptions.raise_compiler_error(
            "An incremental run found no previous " ~ this.schema ~ ".stg_raw__events to compare the raw "
            ~ "events with; run scripts/run.py --full-refresh"
        ) }}
    {%- endif %}
{%- endif %}
{%- set current_rows_listed = '1 = 0' %}
{%- if continues %}
    {%- set current_rows_listed = 'event_id is null or event_id in (select event_id from changed_keys)' %}
{%- endif %}
{%- set compared = lead_scoring.staged_event_columns() %}
{#- the day of a row's occurred_at; rows without one share a day of their own -#}
{%- set day_key = "coalesce(cast(occurred_at as date), cast('1900-01-01' as date))" %}

{#-
    The raw and the previous rows are read where they are used, not as CTEs: a CTE read twice is
    materialized (on DuckDB 20M rows of text), which costs more than reading the file again.
-#}
{%- set current_rows = '(' ~ lead_scoring.cleaned_event_rows(source('raw', 'events')) ~ ')' %}

with

{% if continues %}

-- per day of occurred_at (a day of its own for rows without one), the rows now minus the rows
-- staged before, in number and in hash sum: one aggregation into a few hundred groups
day_differences as (
    {{ lead_scoring.row_differences(current_rows, previous, day_key, 'day_key') }}
),

changed_days as (
    select day_key from day_differences
    where row_count_difference <> 0 or hash_sum_difference <> 0
),

-- per event_id, the same difference over the rows of the changed days only: the rows of an
-- unchanged day are the same on both sides, so they add nothing to any event_id's difference
-- (an event moved from one day to another changes both days). Grouping 20M rows by event_id
-- took 10 of the model's 12 s at 1M leads; the changed days hold a few hundred thousand.
key_differences as (
    {{ lead_scoring.row_differences(
        current_rows, previous, 'event_id', 'event_id',
        day_key ~ ' in (select changed_days.day_key from changed_days)'
    ) }}
),

changed_keys as (
    select event_id from key_differences
    where row_count_difference <> 0 or hash_sum_difference <> 0

    union

    select event_id from {{ previous }}
    where dq_issue = 'after_as_of'
),

{% endif %}

final as (
    select
        'current' as side,
        {{ compared | join(', ') }},
        timestamp_issue
    from {{ current_rows }} as current_rows
    where {{ current_rows_listed }}
    {% if continues %}

    union all

    select
        'previous' as side,
        {{ compared | join(', ') }},
        cast(null as {{ dbt.type_string() }}) as timestamp_issue
    from {{ previous }}
    where event_id in (select event_id from changed_keys)
    {% endif %}
)

select * from final
