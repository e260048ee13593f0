{#-
    Exact incremental staging of raw events (docs/operations.md "Incremental runs"): the change
    detection models (models/change_detection/) compare the raw export with the previous build's
    staged events, and an incremental run re-stages, re-validates and (for events older than the
    cutoff) rescores only what changed.
-#}

{#- The columns of a staged event row as the raw export gives them (before its verdict). -#}
{% macro staged_event_columns() -%}
    {{ return(['event_id', 'lead_id', 'event_type', 'url', 'campaign', 'occurred_at']) }}
{%- endmacro %}

{#-
    One row per raw event row of `relation` (base_raw__events), cleaned: stg_raw__events'
    columns before de-duplication.
-#}
{% macro cleaned_event_rows(relation) -%}
    select
        ---------- ids
        {{ lead_scoring.clean_text('event_id') }} as event_id,
        {{ lead_scoring.clean_text('lead_id') }} as lead_id,
        ---------- text
        {{ lead_scoring.clean_text('event_type', 'lower') }} as event_type,
        {{ lead_scoring.clean_text('url') }} as url,
        {{ lead_scoring.clean_text('campaign') }} as campaign,
        ---------- timestamps
        {{ lead_scoring.clean_timestamp('occurred_at', relation) }} as occurred_at,
        ---------- data quality
        {{ lead_scoring.raw_timestamp_issue('occurred_at', relation) }} as timestamp_issue
    from {{ relation }}
{%- endmacro %}

{#- The day of an event row's (cleaned) occurred_at. -#}
{% macro event_day_key(occurred_at) -%}
    cast({{ occurred_at }} as date)
{%- endmacro %}

{#-
    The condition on an event row's cleaned occurred_at (`column`) that keeps the rows of the
    days an incremental run searches and stages again: the days `event_days`
    (chg_raw__events_days) marks changed, and always the rows without a usable occurred_at (their staged copies cannot tell a
    missing time from an unparseable one). Written as ranges of the timestamp, which DuckDB
    applies while it reads the raw file, where a list of days compared with the cast date
    decodes every row (docs/decisions/0002-changed-events-per-day.md). A range runs from the
    start of a changed day to the start of the next unchanged day (open-ended when none
    follows), so changed days with no unchanged day between them share one, and every bound is
    the start of a day that holds rows: no day is added to another, which would overflow at the
    last day a timestamp can hold (9999-12-31 for Python, 'infinity' on DuckDB). The engine
    writes the bounds as text, so any timestamp it holds (year 1, before it, after 9999) reads
    back as it wrote it. Over 50 ranges, one range from the first to the last narrows the list
    of days. Runs a query when the model runs, after `event_days` is built.
-#}
{% macro restaged_days_condition(event_days, column='occurred_at') -%}
    {%- if not execute %}{{ return('1 = 0') }}{% endif %}
    {%- set query -%}
        select
            is_changed,
            cast(day_key as {{ dbt.type_string() }}) as day_text,
            cast(cast(day_key as {{ dbt.type_timestamp() }}) as {{ dbt.type_string() }}) as day_start
        from {{ event_days }}
        order by day_key
    {%- endset %}
    {%- set ranges = [] %}
    {%- set days = [] %}
    {%- for is_changed, day_text, day_start in run_query(query).rows %}
        {%- set follows_changed_day = ranges and ranges[-1][1] is none %}
        {%- if is_changed %}
            {%- do days.append(day_text) %}
            {%- if not follows_changed_day %}
                {%- do ranges.append([day_start, none]) %}
            {%- endif %}
        {%- elif follows_changed_day %}
            {%- set open_range = ranges.pop() %}
            {%- do ranges.append([open_range[0], day_start]) %}
        {%- endif %}
    {%- endfor %}
    {%- set exact = [] %}
    {%- if ranges | length > 50 %}
        {%- set ranges = [[ranges[0][0], ranges[-1][1]]] %}
        {%- do exact.append('cast(' ~ column ~ " as date) in ('" ~ days | join("', '") ~ "')") %}
    {%- endif %}
    {%- set parts = [] %}
    {%- for start, end in ranges %}
        {%- set bounds = [column ~ " >= cast('" ~ start ~ "' as " ~ dbt.type_timestamp() ~ ')'] %}
        {%- if end is not none %}
            {%- do bounds.append(column ~ " < cast('" ~ end ~ "' as " ~ dbt.type_timestamp() ~ ')') %}
        {%- endif %}
        {%- do parts.append('(' ~ bounds | join(' and ') ~ ')') %}
    {%- endfor %}
    {%- set on_days = '(' ~ (parts | join(' or ') or '1 = 0') ~ ')' %}
    {%- if exact %}
        {%- set on_days = '(' ~ on_days ~ ' and ' ~ exact[0] ~ ')' %}
    {%- endif %}
    {{ return('(' ~ column ~ ' is null or ' ~ on_days ~ ')') }}
{%- endmacro %}

{#-
    The event_ids whose staged rows an incremental run re-derives: those of `changed_events`
    (chg_raw__events; none in a full build).
-#}
{% macro changed_event_ids(changed_events) -%}
    select event_id from {{ changed_events }} where event_id is not null
{%- endmacro %}

{#-
    The leads an edit, withdrawal or late arrival of an event older than the cutoff rescores
    whole (int_lead_fingerprints): the leads of every copy, before and after, of such an event
    in `changed_events` (chg_raw__events).
-#}
{% macro leads_of_changed_old_events(changed_events) -%}
    select distinct changes.lead_id
    from {{ changed_events }} as changes
    where
        changes.lead_id is not null
        and changes.event_id in (
            select event_id from {{ changed_events }}
            where occurred_at < {{ lead_scoring.incremental_cutoff() }}
        )
{%- endmacro %}
