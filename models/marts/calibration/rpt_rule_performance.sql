{#-
    How well each rule tells the leads that convert from the others (spec §8, docs/semantics.md
    §6): one row per fit or engagement rule with a version in force at as_of, judged by that
    version (today's definition of the rule) over the leads of calibration_population, with no
    look-ahead. A fit rule matches a lead whose attributes meet its condition
    (int_fit_rules_matched_to_leads); an engagement rule matches a lead with at least one event
    it matches (int_events_matched_to_rules) before the lead's observation ended. From the four
    counts: the conversion rates, their lift, the odds ratio (+0.5 in each cell keeps empty
    cells finite) and the points that odds ratio is worth where var('points_to_double_odds')
    points double the odds of converting.
-#}
{%- set calibration = lead_scoring.calibration_settings() %}

with

population as (
    select * from {{ ref('calibration_population') }}
),

fit_rules as (
    select * from {{ ref('stg_seeds__fit_rules') }}
),

engagement_rules as (
    select * from {{ ref('stg_seeds__engagement_rules') }}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched_to_leads') }}
),

matched_events as (
    select * from {{ ref('int_events_matched_to_rules') }}
),

-- the version of each rule in force at as_of: the one judged
fit_versions as (
    select * from fit_rules
    where {{ is_in_force('fit_rules', as_of()) }}
),

engagement_versions as (
    select * from engagement_rules
    where {{ is_in_force('engagement_rules', as_of()) }}
),

rules as (
    select
        'fit' as rule_type,
        rule_id,
        valid_from,
        description,
        points,
        coalesce(is_disqualifying, false) as is_disqualifying
    from fit_versions

    union all

    select
        'engagement' as rule_type,
        rule_id,
        valid_from,
        description,
        points,
        false as is_disqualifying
    from engagement_versions
),

-- the population leads each rule's version in force at as_of matches
matched_leads as (
    select
        'fit' as rule_type,
        fit_matches.rule_id,
        population.lead_id,
        population.is_converted
    from fit_matches
    inner join fit_versions
        on
            fit_matches.rule_id = fit_versions.rule_id
            and fit_matches.valid_from = fit_versions.valid_from
    inner join population
        on fit_matches.lead_id = population.lead_id

    union all

    select distinct
        'engagement' as rule_type,
        matched_events.rule_id,
        population.lead_id,
        population.is_converted
    from matched_events
    inner join engagement_versions
        on
            matched_events.rule_id = engagement_versions.rule_id
            and matched_events.valid_from = engagement_versions.valid_from
    inner join population
        on
            matched_events.lead_id = population.lead_id
            and matched_events.occurred_at < population.observation_end_at
),

match_counts as (
    select
        rule_type,
        rule_id,
        count(*) as leads_matched,
        sum(case when is_converted then 1 else 0 end) as conversions_matched
    from matched_leads
    group by rule_type, rule_id
),

population_counts as (
    select
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as conversions
    from population
),

counted as (
    select
        rules.*,
        coalesce(match_counts.leads_matched, 0) as leads_matched,
        coalesce(match_counts.conversions_matched, 0) as conversions_matched,
        population_counts.leads - coalesce(match_counts.leads_matched, 0) as leads_unmatched,
        coalesce(population_counts.conversions, 0) - coalesce(match_counts.conversions_matched, 0)
            as conversions_unmatched
    from rules
    cross join population_counts
    left join match_counts
        on
            rules.rule_type = match_counts.rule_type
            and rules.rule_id = match_counts.rule_id
),

rated as (
    select
        *,
        cast(conversions_matched as {{ type_double() }}) / nullif(leads_matched, 0) as conversion_rate_matched,
        cast(conversions_unmatched as {{ type_double() }}) / nullif(leads_unmatched, 0)
            as conversion_rate_unmatched,
        (cast(conversions_matched as {{ type_double() }}) + 0.5)
        * (cast(leads_unmatched - conversions_unmatched as {{ type_double() }}) + 0.5)
        / (
            (cast(leads_matched - conversions_matched as {{ type_double() }}) + 0.5)
            * (cast(conversions_unmatched as {{ type_double() }}) + 0.5)
        ) as odds_ratio
    from counted
),

final as (
    select
        ---------- ids
        rule_type,
        rule_id,
        ---------- the rule's version in force at as_of
        description,
        points as current_points,
        is_disqualifying,
        valid_from as rule_valid_from,
        ---------- counts
        cast(leads_matched as {{ dbt.type_bigint() }}) as leads_matched,
        cast(conversions_matched as {{ dbt.type_bigint() }}) as conversions_matched,
        cast(leads_unmatched as {{ dbt.type_bigint() }}) as leads_unmatched,
        cast(conversions_unmatched as {{ dbt.type_bigint() }}) as conversions_unmatched,
        ---------- rates
        conversion_rate_matched,
        conversion_rate_unmatched,
        conversion_rate_matched / nullif(conversion_rate_unmatched, 0) as lift,
        odds_ratio,
        cast(
            {{ round_half_away_from_zero(
                'cast(' ~ calibration.points_to_double_odds ~ ' as ' ~ type_double() ~ ')'
                ~ ' / ln(cast(2 as ' ~ type_double() ~ ')) * ln(odds_ratio)',
                0
            ) }} as {{ dbt.type_int() }}
        ) as suggested_points,
        leads_matched >= {{ calibration.min_leads }} and leads_unmatched >= {{ calibration.min_leads }}
            as has_enough_data,
        '{{ calibration.outcome }}' as calibration_outcome
    from rated
)

select * from final
