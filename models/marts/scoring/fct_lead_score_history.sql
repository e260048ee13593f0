{#-
    Fit, engagement and total score, grade, band and MQL criteria of each lead at each evaluation
    instant. The lifecycle (lifecycle_steps), dim_leads and fct_mqls read it too: it is the
    one table of scores per instant: a second copy of its 23M rows at 1M leads would cost time
    and memory to write (docs/decisions/0006-large-results-read-once.md).

    Fit changes only where a fit version starts or ends, so it is summed once per lead and fit
    period and looked up by the instant's period. Incremental: a run recomputes the instants from
    the cutoff on, and all of a rescored lead's.
-#}
{%- set lead_fingerprints = ref('int_lead_fingerprints') %}
{{ lead_scoring.incremental_window_config(
    "lead_scoring.in_incremental_window(ref('int_lead_fingerprints'), 'scored_at')"
) }}
{%- set windowed = lead_scoring.is_incremental_window() %}

with

instants as (
    select * from {{ ref('int_lead_evaluation_instants') }}
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window(lead_fingerprints, 'scored_at') }}
    {% endif %}
),

engagement as (
    select * from {{ ref('int_engagement_scores_at_instants') }}
    {% if windowed %}
    where {{ lead_scoring.in_incremental_window(lead_fingerprints, 'scored_at') }}
    {% endif %}
),

fit_matches as (
    select * from {{ ref('int_fit_rules_matched_to_leads') }}
),

thresholds as (
    select * from {{ ref('stg_seeds__mql_thresholds') }}
),

fit_grades as (
    select * from {{ ref('stg_seeds__fit_grades') }}
),

engagement_bands as (
    select * from {{ ref('stg_seeds__engagement_bands') }}
),

fit_boundaries as (
    select valid_from_at as boundary_at from fit_matches
    union
    select valid_to_at as boundary_at from fit_matches
    where valid_to_at is not null
),

fit_periods as (
    select
        boundary_at as valid_from_at,
        lead(boundary_at) over (order by boundary_at) as valid_to_at
    from fit_boundaries
),

fit_by_period as (
    select
        fit_matches.lead_id,
        fit_periods.valid_from_at as period_start_at,
        {{ exact_sum('fit_matches.points') }} as fit_score,
        max(case when fit_matches.is_disqualifying then 1 else 0 end) = 1 as is_disqualified
    from fit_matches
    inner join fit_periods
        on {{ is_in_force('fit_matches', 'fit_periods.valid_from_at') }}
    group by fit_matches.lead_id, fit_periods.valid_from_at
),

-- each instant with the fit period it falls in (none before the first fit version starts)
instant_periods as (
    select
        instants.lead_id,
        instants.scored_at,
        instants.is_event_instant,
        fit_periods.valid_from_at as period_start_at
    from instants
    left join fit_periods
        on {{ is_in_force('fit_periods', 'instants.scored_at') }}
),

scores as (
    select
        instant_periods.lead_id,
        instant_periods.scored_at,
        instant_periods.is_event_instant,
        coalesce(fit_by_period.fit_score, 0.0) as fit_score,
        coalesce(engagement.engagement_score, 0.0) as engagement_score,
        coalesce(fit_by_period.fit_score, 0.0) + coalesce(engagement.engagement_score, 0.0) as total_score,
        coalesce(fit_by_period.is_disqualified, false) as is_disqualified
    from instant_periods
    left join fit_by_period
        on
            instant_periods.lead_id = fit_by_period.lead_id
            and instant_periods.period_start_at = fit_by_period.period_start_at
    left join engagement
        on
            instant_periods.lead_id = engagement.lead_id
            and instant_periods.scored_at = engagement.scored_at
),

graded as (
    select
        scores.*,
        thresholds.min_total_score,
        fit_grades.grade as fit_grade,
        engagement_bands.band as engagement_band,
        fit_grades.grade || cast(engagement_bands.band as {{ dbt.type_string() }}) as priority,
        {{ meets_mql_criteria_but_total('thresholds', 'scores') }}
        and coalesce(scores.total_score >= thresholds.min_total_score, false) as meets_mql_criteria
    from scores
    left join thresholds
        on {{ is_in_force('thresholds', 'scores.scored_at') }}
    left join fit_grades
        on {{ score_in_tier('fit_grades', 'scores.fit_score', 'min_fit_score', 'next_min_fit_score') }}
    left join engagement_bands
        on {{ score_in_tier(
            'engagement_bands', 'scores.engagement_score', 'min_engagement_score', 'next_min_engagement_score'
        ) }}
),

final as (
    select
        ---------- ids
        lead_id,
        ---------- scores
        fit_score,
        engagement_score,
        total_score,
        fit_grade,
        engagement_band,
        priority,
        ---------- the MQL criteria
        min_total_score,
        ---------- booleans
        is_disqualified,
        meets_mql_criteria,
        is_event_instant,
        ---------- timestamps
        scored_at
    from graded
)

select * from final
