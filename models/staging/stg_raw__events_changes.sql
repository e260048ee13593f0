{#-
    The raw events an incremental run must stage again (macros/event_changes.sql): every row, as
    it is now ('current') and as the previous build staged it ('previous'), of each event_id
    whose rows differ between the raw export and the previous build of stg_raw__events (new,
    edited, withdrawn, copied or de-duplicated differently), or whose verdict was after_as_of
    (as_of has moved since); and every current row without an event_id. Rows are compared by
    their cleaned columns: per event_id, the number of rows and the sum of a 64-bit hash of each.

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

{#-
    The raw and the previous rows are read where they are used, not as CTEs: a CTE read twice is
    materialized (on DuckDB 20M rows of text), which costs more than reading the file again.
-#}
{%- set current_rows = '(' ~ lead_scoring.cleaned_event_rows(source('raw', 'events')) ~ ')' %}

with

{% if continues %}

current_keys as (
    select
        event_id,
        count(*) as row_count,
        sum({{ lead_scoring.row_hash_number(compared) }}) as hash_sum
    from {{ current_rows }} as current_rows
    where event_id is not null
    group by event_id
),

previous_keys as (
    select
        event_id,
        count(*) as row_count,
        sum({{ lead_scoring.row_hash_number(compared) }}) as hash_sum
    from {{ previous }}
    where event_id is not null
    group by event_id
),

changed_keys as (
    select coalesce(current_keys.event_id, previous_keys.event_id) as event_id
    from current_keys
    full outer join previous_keys
        on current_keys.event_id = previous_keys.event_id
    where
        current_keys.event_id is null
        or previous_keys.event_id is null
        or current_keys.row_count <> previous_keys.row_count
        or current_keys.hash_sum <> previous_keys.hash_sum

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
