{#-
    The rows of `states` (lead_id, holds_from, holds_until, ...) paired with every evaluation
    instant of `instants` (lead_id, scored_at) in [holds_from, holds_until) (until: null means
    open), as `states`' columns plus scored_at. Each state covers a short run of its lead's
    instants, so this is a range join within a lead.
-#}
{% macro states_at_instants(states, instants) -%}
    {{ return(adapter.dispatch('states_at_instants', 'lead_scoring')(states, instants)) }}
{%- endmacro %}

{% macro default__states_at_instants(states, instants) -%}
    select
        {{ states }}.*,
        {{ instants }}.scored_at
    from {{ states }}
    inner join {{ instants }}
        on
            {{ states }}.lead_id = {{ instants }}.lead_id
            and {{ instants }}.scored_at >= {{ states }}.holds_from
            and ({{ states }}.holds_until is null or {{ instants }}.scored_at < {{ states }}.holds_until)
{%- endmacro %}

{#-
    DuckDB: a join on the lead alone to the list of its instants, filtered and unnested, which
    needs no sort or range join over the (lead, instant, version) rows
    (docs/decisions/0004-engagement-in-one-pass.md).
-#}
{% macro duckdb__states_at_instants(states, instants) -%}
    select
        {{ states }}.*,
        unnest(list_filter(
            lead_instants.instant_times,
            lambda instant_at: instant_at >= {{ states }}.holds_from
            and ({{ states }}.holds_until is null or instant_at < {{ states }}.holds_until)
        )) as scored_at
    from {{ states }}
    inner join (
        select
            lead_id,
            list(scored_at) as instant_times
        from {{ instants }}
        group by lead_id
    ) as lead_instants
        on {{ states }}.lead_id = lead_instants.lead_id
{%- endmacro %}
