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
    A raw number as a finite double; null when blank or unreadable, and also when it overflows a
    double (`1e309` parses as infinity) or spells out `inf` or `nan`: none of those is an amount
    or a revenue, so is_unparseable flags it like any other unreadable number. The comparison is
    false for both infinities and for NaN (greater than every number) on every engine.
-#}
{% macro clean_double(column) -%}
    {%- set parsed = lead_scoring.try_cast(lead_scoring.clean_text(column), lead_scoring.type_double()) -%}
    case when abs({{ parsed }}) <= 1.7976931348623157e308 then {{ parsed }} end
{%- endmacro %}

{#-
    The kind of `relation`'s `column` when it is already a timestamp (a Parquet file or a server
    table): 'timestamp' (no time zone: UTC by the spec) or 'timestamptz' (a moment, as pandas
    and pyarrow write time-zone-aware data); none otherwise. A typed column needs no text round
    trip and cannot be unparseable. CSV (read as text), an unknown relation and parse time take
    the text path.
-#}
{% macro typed_timestamp_kind(relation, column) -%}
    {%- if not execute or relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for existing in adapter.get_columns_in_relation(relation) -%}
        {%- if existing.name | lower == column | lower -%}
            {%- set dtype = existing.dtype | lower -%}
            {%- if dtype in ('timestamp', 'timestamp without time zone') -%}
                {{ return('timestamp') }}
            {%- elif dtype in ('timestamptz', 'timestamp with time zone') -%}
                {{ return('timestamptz') }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- True when `relation`'s `column` is already a timestamp (typed_timestamp_kind). -#}
{% macro is_typed_timestamp(relation, column) -%}
    {{ return(lead_scoring.typed_timestamp_kind(relation, column) is not none) }}
{%- endmacro %}

{#- A raw value parsed as a timestamp; null when blank or unparseable (see raw_timestamp_issue). -#}
{% macro clean_timestamp(column, relation=none) -%}
    {%- set kind = lead_scoring.typed_timestamp_kind(relation, column) -%}
    {%- if kind == 'timestamp' -%}
        {{ column }}
    {%- elif kind == 'timestamptz' -%}
        {{ lead_scoring.utc_timestamp(column) }}
    {%- else -%}
        {{ lead_scoring.parse_timestamp(lead_scoring.clean_text(column)) }}
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

{#-
    True when a raw value is there (not blank) but its parse (`parsed`, the cleaned value) is
    null: a number, yes/no or timestamp the project cannot read. The row is kept with the value
    null, and flagged (rpt_data_quality, and a share test that fails above the limit).
-#}
{% macro is_unparseable(column, parsed) -%}
    ({{ lead_scoring.clean_text(column) }} is not null and {{ parsed }} is null)
{%- endmacro %}

{#- is_unparseable for a raw timestamp: never for a column that is already a timestamp. -#}
{% macro is_unparseable_timestamp(column, relation) -%}
    {%- if lead_scoring.is_typed_timestamp(relation, column) -%}
        false
    {%- else -%}
        {{ lead_scoring.is_unparseable(column, lead_scoring.clean_timestamp(column)) }}
    {%- endif -%}
{%- endmacro %}
