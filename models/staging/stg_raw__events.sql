{#-
    Every raw event row, cleaned, with its data-quality verdict; of the copies of one event_id,
    the first by time and then by the other columns is kept, the others are duplicate_key.

    Incremental (macros/change_detection/event_changes.sql): a run continuing the published warehouse stages
    again only the event_ids chg_raw__events lists (and the rows without an event_id of the days
    it searched): the verdicts of the others cannot have changed, since de-duplication ranks the
    copies of one event_id only. Without a cutoff, or with --full-refresh, the table is staged
    whole from base_raw__events.
-#}
{%- set raw_events = ref('base_raw__events') %}
{%- set changed_events = ref('chg_raw__events') %}
{#- the pre-hook reads the changed days too: a ref here shows dbt that this model needs them -#}
{%- set event_days = ref('chg_raw__events_days') %}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    whole_unless_continued=true,
    pre_hook=[
        "{% if is_incremental() %}delete from {{ this }} where (event_id is null and {{ lead_scoring.restaged_days_condition(ref('chg_raw__events_days')) }}) or event_id in ({{ lead_scoring.changed_event_ids(ref('chg_raw__events')) }}){% endif %}"
    ],
) }}

{#- the rows to stage: in an incremental run, the current rows chg_raw__events lists -#}
{%- set rows_to_stage -%}
    {%- if is_incremental() -%}
    select {{ lead_scoring.staged_event_columns() | join(', ') }}, timestamp_issue
    from {{ changed_events }}
    where side = 'current'
    {%- else -%}
        {{ lead_scoring.cleaned_event_rows(raw_events) }}
    {%- endif -%}
{%- endset %}

{#-
    The rows are read where they are used, not as a CTE: a CTE read three times is buffered,
    and at scale it spills while other models run (docs/decisions/0006-large-results-read-once.md).
-#}
with

-- the event_ids with more than one row: only their rows need ranking (1-2 % of ids have
-- copies, and a window over every row was most of the model's time;
-- docs/decisions/0007-staging-tables.md)
duplicated_ids as (
    select event_id
    from ({{ rows_to_stage }}) as renamed
    where event_id is not null
    group by event_id
    having count(*) > 1
),

ranked as (
    select
        *,
        1 as key_rank
    from ({{ rows_to_stage }}) as renamed
    where event_id is null or event_id not in (select duplicated_ids.event_id from duplicated_ids)

    union all

    select
        *,
        row_number() over (
            partition by event_id
            order by
                occurred_at asc nulls last, lead_id asc nulls last, event_type asc nulls last,
                url asc nulls last, campaign asc nulls last
        ) as key_rank
    from ({{ rows_to_stage }}) as renamed
    where event_id in (select duplicated_ids.event_id from duplicated_ids)
),

final as (
    select
        event_id,
        lead_id,
        event_type,
        url,
        campaign,
        occurred_at,
        case
            when event_id is null then 'null_key'
            when key_rank > 1 then 'duplicate_key'
            else timestamp_issue
        end as dq_issue,
        ---------- lineage
        '{{ invocation_id }}' as loaded_by_run
    from ranked
)

select * from final
