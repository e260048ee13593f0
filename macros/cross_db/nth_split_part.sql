{#-
    The `part_number`-th (1-based) item of `string_text` split on `delimiter_text`, where
    `part_number` may be a column (dbt.split_part needs a literal number on some engines).
-#}
{% macro nth_split_part(string_text, delimiter_text, part_number) -%}
    {{ return(adapter.dispatch('nth_split_part', 'lead_scoring')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro default__nth_split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ part_number }} as {{ dbt.type_int() }}))
{%- endmacro %}

{% macro duckdb__nth_split_part(string_text, delimiter_text, part_number) -%}
    {{ dbt.split_part(string_text, delimiter_text, part_number) }}
{%- endmacro %}

{#- Spark's split() takes a regular expression: quote the delimiter. Null past the last part. -#}
{% macro spark__nth_split_part(string_text, delimiter_text, part_number) -%}
    try_element_at(split({{ string_text }}, concat('\\Q', {{ delimiter_text }}, '\\E')), cast({{ part_number }} as int))
{%- endmacro %}
