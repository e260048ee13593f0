{#-
    A timestamp var's value `raw` (YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS[.ffffff]]', a T separator or
    a trailing Z allowed) as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC. Anything else stops the run with
    an error naming the var, its value and `advice` on what to pass.
-#}
{% macro timestamp_var_text(var_name, raw, advice) -%}
    {%- set text = raw | string | trim | replace('T', ' ') | replace('Z', '') -%}
    {%- set match = modules.re.match(
        '^(\\d{4}-\\d{2}-\\d{2})(?: (\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,6})?)?)?$', text
    ) -%}
    {%- if match is none -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ "='" ~ raw ~ "' is not a UTC timestamp: pass YYYY-MM-DD or"
            ~ " 'YYYY-MM-DD HH:MM:SS'" ~ advice
        ) }}
    {%- endif -%}
    {%- set fraction = (match.group(5) or '.0')[1:] -%}
    {{ return(
        match.group(1) ~ ' ' ~ (match.group(2) or '00') ~ ':' ~ (match.group(3) or '00')
        ~ ':' ~ (match.group(4) or '00') ~ '.' ~ (fraction ~ '000000')[:6]
    ) }}
{%- endmacro %}
