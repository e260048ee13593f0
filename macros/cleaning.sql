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

{#-
    True when `relation`'s `column` is already a plain TIMESTAMP (a Parquet file or a server
    table): it then needs no text round trip and cannot be unparseable. CSV (read as text), an
    unknown relation and parse time take the text path.
-#}
{% macro is_typed_timestamp(relation, column) -%}
    {%- if not execute or relation is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for existing in adapter.get_columns_in_relation(relation) -%}
        {%- if existing.name | lower == column | lower -%}
            {{ return(existing.dtype | lower in ('timestamp', 'timestamp without time zone')) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- A raw value parsed as a timestamp; null when blank or unparseable (see raw_timestamp_issue). -#}
{% macro clean_timestamp(column, relation=none) -%}
    {%- if lead_scoring.is_typed_timestamp(relation, column) -%}
        {{ column }}
    {%- else -%}
        {{ lead_scoring.try_cast(lead_scoring.clean_text(column), dbt.type_timestamp()) }}
    {%- endif -%}
{%- endmacro %}

{#-
    The data-quality issue of one raw row's required timestamp, or null when it is fine:
    'null_<column>', 'unparseable_<column>' or 'after_as_of'. `relation`: the raw relation, so
    a column that is already a timestamp skips the text checks.
-#}
{% macro raw_timestamp_issue(column, relation=none) -%}
    {%- set typed = lead_scoring.is_typed_timestamp(relation, column) -%}
    case
            {%- if typed %}
            when {{ column }} is null then 'null_{{ column }}'
            {%- else %}
            when {{ lead_scoring.clean_text(column) }} is null then 'null_{{ column }}'
            when {{ lead_scoring.clean_timestamp(column) }} is null then 'unparseable_{{ column }}'
            {%- endif %}
            when {{ lead_scoring.clean_timestamp(column, relation) }} > {{ lead_scoring.as_of() }} then 'after_as_of'
        end
{%- endmacro %}
