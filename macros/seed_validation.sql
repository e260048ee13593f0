{#-
    The problems every versioned rule table (engagement_rules, fit_rules) can have, as rows
    (rule_id, valid_from_text, problem) selected from the staged rules relation `rules`: an empty
    rule_id, a valid_from that is not a date, a duplicate (rule_id, valid_from), points that are
    not a number. Used by tests/seed_validation/.
-#}
{% macro rule_version_problems(rules) -%}
    select
        rule_id,
        valid_from_text,
        'rule_id is empty' as problem
    from {{ rules }}
    where rule_id is null

    union all
    select
        rule_id,
        valid_from_text,
        'valid_from is empty or not a date (YYYY-MM-DD)' as problem
    from {{ rules }}
    where valid_from is null

    union all
    select
        rule_id,
        valid_from_text,
        'duplicate (rule_id, valid_from): give each version its own valid_from' as problem
    from {{ rules }}
    group by rule_id, valid_from_text
    having count(*) > 1

    union all
    select
        rule_id,
        valid_from_text,
        'points ''' || coalesce(points_text, '') || ''' is not a number' as problem
    from {{ rules }}
    where points is null
{%- endmacro %}
