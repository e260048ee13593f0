{#-
    True when `score` lies in the row `tier` of a grade or band table (stg_seeds__fit_grades,
    stg_seeds__engagement_bands): from its `minimum` column up to its `next_minimum` column
    (exclusive), a null minimum catching every score below the others (docs/semantics.md §2). A
    null score lies in no tier.
-#}
{% macro score_in_tier(tier, score, minimum, next_minimum) -%}
    (
        {{ score }} is not null
        and ({{ tier }}.{{ minimum }} is null or {{ score }} >= {{ tier }}.{{ minimum }})
        and ({{ tier }}.{{ next_minimum }} is null or {{ score }} < {{ tier }}.{{ next_minimum }})
    )
{%- endmacro %}
