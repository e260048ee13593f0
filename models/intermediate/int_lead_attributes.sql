{#-
    One row per lead and fit attribute (docs/semantics.md §2), text and numeric value side by side.
    Incremental (macros/incremental/incremental.sql): a run recomputes the rows of the leads
    int_lead_fingerprints marks rescored (new, changed or deleted), whose fingerprint covers
    every fit attribute.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config("lead_scoring.in_incremental_window(ref('int_lead_fingerprints'))") }}

with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
    {% if lead_scoring.is_incremental_window() %}
    where {{ lead_scoring.in_incremental_window(lead_fingerprints) }}
    {% endif %}
),

unpivoted as (
    {%- for name, kind in fit_attributes().items() %}
        select
            lead_id,
            '{{ name }}' as attribute,
            '{{ kind }}' as attribute_kind,
            {% if kind == 'number' -%}
                cast(null as {{ dbt.type_string() }}) as text_value,
                cast({{ name }} as {{ type_double() }}) as numeric_value
            {%- else -%}
                lower(cast({{ name }} as {{ dbt.type_string() }})) as text_value,
                cast(null as {{ type_double() }}) as numeric_value
            {%- endif %}
        from leads
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        *,
        text_value is null and numeric_value is null as is_null
    from unpivoted
)

select * from final
