{#- The attributes fit rules can test, each with its kind ('text' or 'number'). -#}
{% macro fit_attributes() -%}
    {{ return({
        'job_title': 'text',
        'country': 'text',
        'lead_source': 'text',
        'email_domain': 'text',
        'account_id': 'text',
        'industry': 'text',
        'employee_count': 'number',
        'annual_revenue': 'number',
        'account_country': 'text',
    }) }}
{%- endmacro %}

{#- The fit-rule catalogue as SQL rows (name, kind), for joins and seed validation. -#}
{% macro fit_attributes_relation() -%}
    {%- for name, kind in lead_scoring.fit_attributes().items() %}
    select '{{ name }}' as attribute, '{{ kind }}' as attribute_kind
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}
