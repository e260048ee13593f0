{#-
    The problems every versioned rule table (engagement_rules, fit_rules) can have, as rows
    (rule_id, valid_from_text, problem) selected from the staged rules relation `rules`: no rows
    at all, an empty rule_id, a valid_from that is not a date, a duplicate (rule_id, valid_from),
    points that are not a number. Used by data-tests/seed_validation/.
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

    -- the same date written two ways ('2026-6-1', '2026-06-01') is a duplicate too
    union all
    select
        rule_id,
        min(valid_from_text) as valid_from_text,
        'duplicate (rule_id, valid_from)'
        || case
            when min(valid_from_text) <> max(valid_from_text)
                then ' (''' || min(valid_from_text) || ''' and ''' || max(valid_from_text)
                || ''' are the same date)'
            else ''
        end
        || ': give each version its own valid_from' as problem
    from {{ rules }}
    where valid_from is not null
    group by rule_id, valid_from
    having count(*) > 1

    -- rule_ids are compared exactly: one written in another case is another rule, and both
    -- would score
    union all
    select
        rule_id,
        valid_from_text,
        'rule_ids ''' || first_spelling || ''' and ''' || rule_id || ''' differ only in case: '
        || 'they are two rules and both score; spell them the same' as problem
    from (
        select
            *,
            min(rule_id) over (partition by lower(rule_id)) as first_spelling
        from {{ rules }}
        where rule_id is not null
    ) as spelled
    where rule_id <> first_spelling

    union all
    select
        rule_id,
        valid_from_text,
        'points ''' || coalesce(points_text, '') || ''' is not a number' as problem
    from {{ rules }}
    where points is null

    -- A table emptied by mistake (a bad merge, a spreadsheet saved without its rows) would
    -- otherwise re-score every lead as if it had no rules, and rewrite the past: rules are
    -- switched off by a version with points 0, never by deleting rows (docs/semantics.md §2)
    union all
    select
        cast(null as {{ dbt.type_string() }}) as rule_id,
        cast(null as {{ dbt.type_string() }}) as valid_from_text,
        'the table has no rules, only its header row: restore its rows (to switch a rule off, '
        || 'add a version of it with points 0)' as problem
    from (
        select count(*) as versions
        from {{ rules }}
    ) as counted
    where versions = 0
{%- endmacro %}
