{#- Helpers of lifecycle_steps' state machine (docs/semantics.md §4). -#}

{#-
    The base state of a step's segment from its running key (segment_number * 4 + 1 for a
    recycled reset, + 2 for a disqualified one; null before the first reset): lead, recycled or
    disqualified.
-#}
{% macro lifecycle_segment_base(base_key, segment_number) -%}
    case {{ base_key }} - {{ segment_number }} * 4
        when 1 then 'recycled'
        when 2 then 'disqualified'
        else 'lead'
    end
{%- endmacro %}

{#- The stage of a level (0 to 4) over a segment base. -#}
{% macro lifecycle_stage(level, segment_base) -%}
    case {{ level }}
        when 0 then {{ segment_base }}
        when 1 then 'mql'
        when 2 then 'sql'
        when 3 then 'opportunity'
        else 'customer'
    end
{%- endmacro %}

{#-
    lifecycle_steps' steps from the CRM records (the columns of its `steps`): each sales
    disposition (kind 2), opportunity creation (3) and win (4), from relations or subqueries of
    the used rows of int_sales_dispositions_validated and int_opportunities_validated.
-#}
{% macro lifecycle_record_steps(dispositions, opportunities) -%}
    select
        lead_id,
        effective_at as step_at,
        2 as step_kind,
        disposition_id as step_key,
        status as disposition_status,
        false as meets_mql_criteria,
        false as is_event_instant,
        false as is_disqualified,
        false as has_mql_promotion,
        false as has_sql_promotion
    from {{ dispositions }} as dispositions
    {%- for kind, at_column, condition in [
        (3, 'effective_created_at', none),
        (4, 'effective_closed_at', 'is_won and effective_closed_at is not null'),
    ] %}

    union all

    select
        lead_id,
        {{ at_column }},
        {{ kind }},
        opportunity_id,
        null,
        false,
        false,
        false,
        false,
        false
    from {{ opportunities }} as opportunities
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The condition, rendered in lifecycle_steps' pre-hook of an incremental run, on the rows
    to delete besides the rescored leads' (whose every input is recomputed): every step from
    the cutoff on, and all the steps of the leads whose earlier steps can have changed. A lead's
    steps before the cutoff come from its scores and events before it, which only a rescored
    lead's change (macros/incremental/incremental.sql), and from its dispositions and opportunities: so
    those leads are the ones whose dispositions or opportunities before the cutoff differ from
    the previous table's steps (new, edited or withdrawn in the CRM, or now effective since
    as_of moved), found by comparing both ways, and (never seen) leads with a step without a
    time. The model computes the leads left without rows whole and continues the others.
    `dispositions` and `opportunities`: int_sales_dispositions_validated and
    int_opportunities_validated.
-#}
{% macro lifecycle_leads_restepped(dispositions, opportunities) -%}
    {%- set cutoff = lead_scoring.incremental_cutoff() %}
    {%- set record_columns = 'lead_id, step_at, step_kind, step_key, disposition_status' %}
    {%- set current_records = lead_scoring.lifecycle_record_steps(
        '(select * from ' ~ dispositions ~ ' where dq_issue is null)',
        '(select * from ' ~ opportunities ~ ' where dq_issue is null)'
    ) %}
    (
        step_at >= {{ cutoff }}
        or lead_id in (
            select lead_id from {{ this }} where step_at is null

            union all

            select lead_id from (
                (
                    select {{ record_columns }} from ({{ current_records }}) as current_records
                    except
                    select {{ record_columns }} from {{ this }} where step_kind > 1
                )

                union all

                (
                    select {{ record_columns }} from {{ this }} where step_kind > 1
                    except
                    select {{ record_columns }} from ({{ current_records }}) as current_records
                )
            ) as changed_records
            where step_at < {{ cutoff }} or step_at is null
        )
    )
{%- endmacro %}
