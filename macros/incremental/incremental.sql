{#-
    Incremental runs of the event-derived models (docs/operations.md "Incremental runs").

    `lead-scoring run` passes a cutoff, `incremental_since` (a UTC timestamp: the latest event instant
    of the published warehouse minus its lookback days), when it continues the published
    warehouse: in LEAD_SCORING_RUN_INCREMENTAL_SINCE (a plain dbt command gives the var). An
    incremental model then deletes its rows stamped at or after that cutoff, and every row of the
    leads int_lead_fingerprints marks `is_rescored` (new, changed or deleted leads), and inserts
    them again from the current inputs; older rows are kept. Without a cutoff (a plain
    `dbt build`, or --full-refresh) every model is computed whole.
-#}

{#-
    The var incremental_since as 'YYYY-MM-DD HH:MM:SS.ffffff', or none when not given.
    `lead-scoring run` hands it over in LEAD_SCORING_RUN_INCREMENTAL_SINCE, read only when dbt
    executes (as LEAD_SCORING_RUN_AS_OF, macros/incremental/as_of.sql): a cutoff that changes every run must
    not make dbt parse the project again. Nothing parsed may depend on it.
-#}
{% macro incremental_since_text() -%}
    {%- if lead_scoring.in_unit_test() -%}
        {#- only the unit test's own overrides: its fixtures are no continued tables -#}
        {%- set raw = ((model.get('overrides') or {}).get('vars') or {}).get('incremental_since') -%}
    {%- else -%}
        {%- set raw = var('incremental_since', none) -%}
        {%- if (raw is none or (raw | string | trim) == '') and execute -%}
            {%- set raw = env_var('LEAD_SCORING_RUN_INCREMENTAL_SINCE', '') -%}
        {%- endif -%}
    {%- endif -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(lead_scoring.timestamp_var_text(
        'incremental_since', raw, ' (lead-scoring run sets it; leave it out for a full build)'
    )) }}
{%- endmacro %}

{#-
    True while dbt runs a unit test. Its inputs are fixtures, not tables a run continues, so the
    run's cutoff (lead-scoring run's, or the var on the command line) does not apply to it: it checks the
    model computed whole unless it sets the var incremental_since in its own `overrides`.
    (`lead-scoring run --unit-tests` runs the unit tests in incremental runs too.)
-#}
{% macro in_unit_test() -%}
    {{ return(model is mapping and model.get('resource_type') == 'unit_test') }}
{%- endmacro %}

{#- True when this dbt run continues the published warehouse (lead-scoring run passed a cutoff). -#}
{% macro continues_previous_build() -%}
    {{ return(lead_scoring.incremental_since_text() is not none and not flags.FULL_REFRESH) }}
{%- endmacro %}

{#- True when this model continues its existing table from the cutoff on (else it is computed whole). -#}
{% macro is_incremental_window() -%}
    {{ return(is_incremental() and lead_scoring.incremental_since_text() is not none) }}
{%- endmacro %}

{#- The cutoff as a SQL timestamp. -#}
{% macro incremental_cutoff() -%}
    cast('{{ lead_scoring.incremental_since_text() }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The leads whose rows are all recomputed in an incremental run (new, changed or deleted). -#}
{% macro rescored_leads(fingerprints) -%}
    select lead_id from {{ fingerprints }} where is_rescored
{%- endmacro %}

{#-
    int_lead_fingerprints' relation, looked up when the node runs (a placeholder while dbt
    parses), for a data test that reads it in incremental runs only: a ref() would make the test a
    child of int_lead_fingerprints, and dbt would then run it whenever that model is selected
    (`--select int_lead_fingerprints`), even without the tested model. The tested models depend
    on int_lead_fingerprints themselves, so it is built before such a test runs.
-#}
{% macro lead_fingerprints_relation() -%}
    {%- if not execute -%}
        {{ return('int_lead_fingerprints') }}
    {%- endif -%}
    {{ return(graph.nodes['model.lead_scoring.int_lead_fingerprints'].relation_name) }}
{%- endmacro %}

{#- The rows of the leads an incremental run rescores (`fingerprints`: int_lead_fingerprints). -#}
{% macro is_rescored_lead(fingerprints, lead_column='lead_id') -%}
    {{ lead_column }} in ({{ lead_scoring.rescored_leads(fingerprints) }})
{%- endmacro %}

{#-
    Rows an incremental run recomputes: stamped at or after the cutoff, or of a lead rescored in
    `fingerprints` (int_lead_fingerprints); with no time column (a model of lead attributes), the
    rescored leads' rows only.
-#}
{% macro in_incremental_window(fingerprints, time_column=none, lead_column='lead_id') -%}
    {%- if time_column is none -%}
        ({{ lead_scoring.is_rescored_lead(fingerprints, lead_column) }})
    {%- else -%}
        (
            {{ time_column }} >= {{ lead_scoring.incremental_cutoff() }}
            or {{ lead_scoring.is_rescored_lead(fingerprints, lead_column) }}
        )
    {%- endif -%}
{%- endmacro %}

{#-
    The config of an incremental model (strategy append): computed whole (dropped and created)
    unless this run continues the previous build (should_full_refresh below); when it does, a
    pre-hook first deletes the rows the model is about to insert again. `rows_recomputed`: the
    Jinja expression (or a list of them, any of which selects a row) of the condition on those
    rows, written in the model: in_incremental_window with the model's
    ref('int_lead_fingerprints'), and what else the model recomputes. It is rendered when the
    hook runs, as the cutoff and the relations are known then, not while dbt parses (the parse
    must not depend on the cutoff). The model refs the same relations in its body, where dbt
    sees them: it does not look into a hook's incremental branch while parsing.
-#}
{% macro incremental_window_config(rows_recomputed) -%}
    {%- set expressions = [rows_recomputed] if rows_recomputed is string else rows_recomputed -%}
    {%- set conditions = [] -%}
    {%- for expression in expressions -%}
        {%- do conditions.append('{{ ' ~ expression ~ ' }}') -%}
    {%- endfor -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        whole_unless_continued=true,
        pre_hook=["{% if is_incremental() %}delete from {{ this }} where " ~ conditions | join(' or ') ~ "{% endif %}"],
    ) }}
{%- endmacro %}

{#-
    int_events_validated re-derives, every incremental run, the rows with no usable key or time,
    or no lead yet, and those of the event_ids whose raw rows changed (`changed_events`:
    chg_raw__events).
-#}
{% macro events_always_rederived(changed_events) -%}
    (
        occurred_at is null or event_id is null or lead_created_at is null
        or event_id in ({{ lead_scoring.changed_event_ids(changed_events) }})
    )
{%- endmacro %}

{#-
    The scored events `validated_events` (int_events_validated) re-derived in this run (only
    those: a re-derived duplicate copy must not take the matches of the kept copy with it).
-#}
{% macro events_rederived_this_run(validated_events) -%}
    event_id in (
        select event_id from {{ validated_events }}
        where loaded_by_run = '{{ invocation_id }}' and dq_issue is null
    )
{%- endmacro %}

{#- The columns as one text, for a fingerprint hash: a null and each separator stay distinguishable. -#}
{% macro fingerprint_text(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce('=' || cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
