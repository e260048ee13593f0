{#-
    Shared by the PostgreSQL and Spark versions of try_cast: what text DuckDB's try_cast turns
    into a value of each type, written as regular expressions both engines understand (no
    backslashes, so no string-escaping differences). Text outside these shapes yields null.

    Mirrored: decimal numbers with an optional sign, point and exponent ('12', '-0.5', '1e3',
    '.5', '5.'), 'inf' / 'infinity' / 'nan' for doubles, integers rounded half away from zero
    from any decimal number ('12.5' -> 13), booleans true/false/t/f/yes/no/y/n/1/0 in any case,
    and timestamps and dates 'YYYY-M-D' with an optional time 'H:M[:S[.fraction]]' after a space
    or 'T', and an optional 'Z', 'UTC' or numeric offset, which is ignored (as DuckDB does for a
    timestamp without time zone); '24:00:00' is the next midnight; fractions beyond microseconds
    are cut. Not mirrored (null on these engines): DuckDB's hexadecimal and '_'-separated
    integers, exponents of 5+ digits, years other than 0001-9999, named time zones.
-#}

{% macro decimal_number_pattern() -%}
    ^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,4})?$
{%- endmacro %}

{#- Matched against the lower-cased text. -#}
{% macro special_double_pattern() -%}
    ^[+-]?(inf|infinity|nan)$
{%- endmacro %}

{#- Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction digits. -#}
{% macro timestamp_text_pattern() -%}
    ^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:T[ ]*|[ ]+)([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:[.]([0-9]*))?)?)?[ ]*(?:Z|[Uu][Tt][Cc]|[+-][0-9]{2}(?::?[0-9]{2})?)?$
{%- endmacro %}

{#- The words DuckDB reads as a boolean, lower-cased, as a SQL list. -#}
{% macro boolean_words() -%}
    ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', '1', '0')
{%- endmacro %}

{#- The family of a cast target type: text, double, integer, boolean, timestamp or date. -#}
{% macro try_cast_kind(data_type) -%}
    {%- set name = data_type | trim | lower -%}
    {%- if name in ('double', 'double precision', 'float8') -%}
        {{ return('double') }}
    {%- elif name in ('bigint', 'int8', 'integer', 'int', 'int4', 'smallint', 'int2') -%}
        {{ return('integer') }}
    {%- elif name in ('boolean', 'bool') -%}
        {{ return('boolean') }}
    {%- elif name.startswith('timestamp') -%}
        {{ return('timestamp') }}
    {%- elif name == 'date' -%}
        {{ return('date') }}
    {%- elif name in ('text', 'string', 'varchar') or name.startswith('varchar(') or name.startswith('character varying') -%}
        {{ return('text') }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "try_cast to '" ~ data_type ~ "' is not supported on " ~ target.type
        ~ " (macros/cross_db/try_cast_text_patterns.sql)"
    ) }}
{%- endmacro %}

{#- The inclusive range of an integer type. -#}
{% macro integer_type_range(data_type) -%}
    {%- set name = data_type | trim | lower -%}
    {%- if name in ('smallint', 'int2') -%}
        {{ return(['-32768', '32767']) }}
    {%- elif name in ('integer', 'int', 'int4') -%}
        {{ return(['-2147483648', '2147483647']) }}
    {%- else -%}
        {{ return(['-9223372036854775808', '9223372036854775807']) }}
    {%- endif -%}
{%- endmacro %}
