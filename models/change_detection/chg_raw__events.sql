{#-
    The raw events an incremental run must stage again (macros/change_detection/event_changes.sql): every row, as
    it is now ('current') and as the previous build staged it ('previous'), of each event_id
    whose rows differ between the raw export and the previous build of stg_raw__events (new,
    edited, withdrawn, copied or de-duplicated differently), whose verdict was after_as_of
    (as_of has moved since), or with a row without a usable occurred_at (missing and
    unparseable look the same once cleaned); and the current rows without an event_id of the
    days searched.
    Only the days of occurred_at whose raw rows changed (chg_raw__events_days), and the rows
    without a usable occurred_at, are searched: there the rows are compared per event_id by
    their cleaned columns, by the number of rows and the sum of a 64-bit hash of each.

    In a full build it is empty: everything is staged again.
-#}
{%- set raw_events = ref('base_raw__events') %}
{%- set event_days = ref('chg_raw__events_days') %}
{%- set continues = lead_scoring.continues_previous_build() %}
{#-
    The previous build of stg_raw__events, read before this run replaces it: it is downstream of
    this model, so it is looked up, not ref'd (a ref would be a cycle).
-#}
{%- set previous = none %}
{%- if execute and continues %}
    {%- set staged = graph.nodes['model.lead_scoring.stg_raw__events'] %}
    {%- set previous = adapter.get_relation(staged.database, staged.schema, staged.alias) %}
    {%- if previous is none %}
        {{ exceptions.raise_compiler_error(
            "An incremental run found no previous " ~ staged.schema ~ ".stg_raw__events to compare the raw "
            ~ "events with; run lead-scoring run --full-refresh"
        ) }}
    {%- endif %}
{%- endif %}
{#- in a full build the model is empty -#}
{%- set restaged_days = lead_scoring.restaged_days_condition(event_days) if continues else '1 = 0' %}
{%- set changed_event_ids = 'select changed_keys.event_id from changed_keys' if continues else
    'select cast(null as ' ~ dbt.type_string() ~ ')' %}
{%- set compared = lead_scoring.staged_event_columns() %}

{#-
    The raw and the previous rows are read where they are used, not as CTEs: a CTE read twice is
    materialized (on DuckDB 20M rows of text), which costs more than reading the file again.
-#}
{%- set current_rows = '(' ~ lead_scoring.cleaned_event_rows(raw_events) ~ ')' %}

with

{% if continues %}

-- per event_id, the rows now minus the rows staged before, in number and hash sum, over the
-- rows of the days chg_raw__events_days marks changed (and those without a usable time) only:
-- the raw rows of an unchanged day are the ones the previous build staged, so they add nothing
-- to any event_id's difference (an event moved from one day to another changes both days).
-- Grouping 20M rows by event_id took 10 of the model's 12 s at 1M leads; the changed days
-- hold a few hundred thousand. One aggregation over both sides (a full outer join of two
-- per-side aggregations took 1.4 s more).
key_differences as (
    select
        event_id,
        sum(row_sign) as row_count_difference,
        sum(row_sign * row_hash) as hash_sum_difference
    from (
        {%- for side, sign in [(current_rows ~ ' as current_rows', 1), (previous, -1)] %}
        {%- if not loop.first %}

        union all
        {% endif %}
        select
            event_id,
            {{ sign }} as row_sign,
            {{ lead_scoring.row_hash_number(compared) }} as row_hash
        from {{ side }}
        where event_id is not null and {{ restaged_days }}
        {%- endfor %}
    ) as both_sides
    group by event_id
),

changed_keys as (
    select event_id from key_differences
    where row_count_difference <> 0 or hash_sum_difference <> 0

    union

    -- events whose verdict was after_as_of (as_of has moved since), and events with a row
    -- without a usable occurred_at: a missing and an unparseable time both clean to null, so
    -- the hash cannot see one turn into the other, and the verdict says which (a few rows)
    select event_id from {{ previous }}
    where (dq_issue = 'after_as_of' or occurred_at is null) and event_id is not null
),

-- the previous build's rows of the changed event_ids (a few hundred thousand at most; read twice
-- below, so a CTE: a semi-join of each read with the changed keys built its hash table on the
-- 20M staged rows instead, 2.6 s and 4 GB at 1M leads)
changed_previous_rows as (
    select {{ compared | join(', ') }}
    from {{ previous }}
    where event_id in (select changed_keys.event_id from changed_keys)
),

{% endif %}

final as (
    -- the current rows of the changed days: the changed event_ids' and those without one
    select
        'current' as side,
        {{ compared | join(', ') }},
        timestamp_issue
    from {{ current_rows }} as current_rows
    where
        {{ restaged_days }}
        and (event_id is null or event_id in ({{ changed_event_ids }}))
    {% if continues %}

    union all

    -- the changed event_ids' rows in the other days (copies of an event in more than one day,
    -- and events whose verdict was after_as_of): unchanged, so as the previous build staged
    -- them, with their timestamp issue as of now
    select
        'current' as side,
        {{ compared | join(', ') }},
        {{ lead_scoring.raw_timestamp_issue('occurred_at', previous) }} as timestamp_issue
    from changed_previous_rows
    where not {{ restaged_days }}

    union all

    select
        'previous' as side,
        {{ compared | join(', ') }},
        cast(null as {{ dbt.type_string() }}) as timestamp_issue
    from changed_previous_rows
    {% endif %}
)

select * from final
