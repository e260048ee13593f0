{#- The scoring math, in one place (docs/semantics.md §2-§3). -#}

{#- True when the versioned row `alias` is in force at the timestamp `at`. -#}
{% macro is_in_force(alias, at) -%}
    ({{ alias }}.valid_from_at <= {{ at }} and ({{ alias }}.valid_to_at is null or {{ at }} < {{ alias }}.valid_to_at))
{%- endmacro %}

{#-
    Points of one event of age `age_seconds` under a half-life of `half_life_days` (null: no decay):
    points * 0.5 ^ (age_days / half_life_days). A factor below 2^-1100 is exactly 0, below the
    smallest double anyway, so no engine raises an underflow on very old events.
-#}
{% macro decayed_points(points, half_life_days, age_seconds) -%}
    case
        when {{ half_life_days }} is null then {{ points }}
        when {{ age_seconds }} / (86400.0 * {{ half_life_days }}) > 1100 then 0.0
        else {{ points }} * power(0.5, {{ age_seconds }} / (86400.0 * {{ half_life_days }}))
    end
{%- endmacro %}

{#- A rule's total contribution clipped to [-max_points, +max_points] when max_points is set. -#}
{% macro clipped_points(raw_points, max_points) -%}
    case
        when {{ max_points }} is null then {{ raw_points }}
        else least(greatest({{ raw_points }}, -{{ max_points }}), {{ max_points }})
    end
{%- endmacro %}

{#- Seconds from `earlier` to `later`, fractional seconds kept. -#}
{% macro seconds_between(earlier, later) -%}
    ({{ lead_scoring.epoch_seconds(later) }} - {{ lead_scoring.epoch_seconds(earlier) }})
{%- endmacro %}

{#- Points as sales read them: one decimal at most, no trailing ".0" (27.5, 20). -#}
{% macro format_points(points) -%}
    case
        when round({{ points }}, 1) = round({{ points }}, 0)
            then cast(cast(round({{ points }}, 0) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
        else cast(round({{ points }}, 1) as {{ dbt.type_string() }})
    end
{%- endmacro %}
