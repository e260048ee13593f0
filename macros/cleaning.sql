{#- Raw text as the project reads it: trimmed, blank as null, optionally lower- or upper-cased. -#}
{% macro clean_text(column, case=none) -%}
    {%- set cleaned = "nullif(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")), '')" -%}
    {%- if case == 'lower' -%}
        lower({{ cleaned }})
    {%- elif case == 'upper' -%}
        upper({{ cleaned }})
    {%- else -%}
        {{ cleaned }}
    {%- endif -%}
{%- endmacro %}

{#- A raw value parsed as a timestamp; null when blank or unparseable (see raw_timestamp_issue). -#}
{% macro clean_timestamp(column) -%}
    {{ lead_scoring.try_cast(lead_scoring.clean_text(column), dbt.type_timestamp()) }}
{%- endmacro %}

{#-
    The data-quality issue of one raw row's required timestamp, or null when it is fine:
    'null_<column>', 'unparseable_<column>' or 'after_as_of'.
-#}
{% macro raw_timestamp_issue(column) -%}
    case
        when {{ lead_scoring.clean_text(column) }} is null then 'null_{{ column }}'
        when {{ lead_scoring.clean_timestamp(column) }} is null then 'unparseable_{{ column }}'
        when {{ lead_scoring.clean_timestamp(column) }} > {{ lead_scoring.as_of() }} then 'after_as_of'
    end
{%- endmacro %}
