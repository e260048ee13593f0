{#-
    What the score alone would have flagged (spec §8, docs/semantics.md §6): one row per candidate
    threshold T, var('backtest_thresholds') or by default the min_total_score in force at as_of
    x 0.5, 0.6, ..., 1.5 (to 2 decimals). A lead of calibration_population is flagged at the first
    instant of its score history (fct_lead_score_history) up to its horizon's end where its total
    score reaches T and the rest of the MQL criteria in force then hold (the threshold version's
    fit and engagement minimums, no disqualifying fit rule; no version in force: not flagged).
    Hand-raisers and the lifecycle play no part. Against the leads that converted: precision,
    recall and how long before the conversion the flag came.
-#}
{%- set calibration = lead_scoring.calibration_settings() %}
{%- set listed_thresholds = lead_scoring.backtest_thresholds() %}

with

population as (
    select * from {{ ref('calibration_population') }}
),

scores as (
    select * from {{ ref('fct_lead_score_history') }}
),

thresholds as (
    select * from {{ ref('stg_seeds__mql_thresholds') }}
),

current_thresholds as (
    select min_total_score from thresholds
    where {{ is_in_force('thresholds', as_of()) }}
),

-- the default candidates' factors
factors as (
    {%- for tenths in range(5, 16) %}
        select cast({{ tenths / 10 }} as {{ type_double() }}) as factor
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- the listed thresholds (union: a number listed twice is one candidate), or by default the
-- min_total_score in force at as_of x 0.5, 0.6, ..., 1.5
candidates as (
    {%- if listed_thresholds is none %}
        select distinct
            {{ round_half_away_from_zero('current_thresholds.min_total_score * factors.factor', 2) }}
                as threshold
        from current_thresholds
        cross join factors
    {%- else %}
        {%- for threshold in listed_thresholds %}
            select cast({{ threshold }} as {{ type_double() }}) as threshold
            {% if not loop.last %}union{% endif %}
        {%- endfor %}
    {%- endif %}
),

-- each population lead's instants up to its horizon's end at which the MQL criteria in force
-- hold but for the total: the instants at which a threshold can flag it
eligible_instants as (
    select
        scores.lead_id,
        scores.scored_at,
        scores.total_score
    from population
    inner join scores
        on
            population.lead_id = scores.lead_id
            and scores.scored_at <= population.horizon_end_at
    left join thresholds
        on {{ is_in_force('thresholds', 'scores.scored_at') }}
    where {{ meets_mql_criteria_but_total('thresholds', 'scores') }}
),

-- A lead is flagged at T at its first eligible instant whose total reaches T: the instant where
-- the running maximum of its eligible totals first reaches T. Only the instants that raise that
-- maximum can be one, so each candidate is compared with those few.
rising_instants as (
    select *
    from (
        select
            *,
            max(total_score) over (
                partition by lead_id order by scored_at rows between unbounded preceding and 1 preceding
            ) as previous_best_total
        from eligible_instants
    ) as ranked
    where previous_best_total is null or total_score > previous_best_total
),

flags as (
    select
        candidates.threshold,
        population.lead_id,
        population.converted_at,
        rising_instants.scored_at as flagged_at,
        coalesce(rising_instants.scored_at <= population.converted_at, false) as is_flagged_before_conversion
    from rising_instants
    inner join candidates
        on
            rising_instants.total_score >= candidates.threshold
            and (
                rising_instants.previous_best_total is null
                or rising_instants.previous_best_total < candidates.threshold
            )
    inner join population
        on rising_instants.lead_id = population.lead_id
),

population_counts as (
    select
        count(*) as population_leads,
        coalesce(sum(case when is_converted then 1 else 0 end), 0) as conversions
    from population
),

flag_counts as (
    select
        candidates.threshold,
        count(flags.lead_id) as flagged_leads,
        sum(case when flags.is_flagged_before_conversion then 1 else 0 end) as flagged_before_conversion,
        {{ median(
            'case when flags.is_flagged_before_conversion then '
            ~ seconds_between('flags.flagged_at', 'flags.converted_at') ~ ' / 86400.0 end'
        ) }} as median_days_flag_to_conversion
    from candidates
    left join flags
        on candidates.threshold = flags.threshold
    group by candidates.threshold
),

final as (
    select
        ---------- ids
        flag_counts.threshold,
        ---------- booleans
        coalesce(flag_counts.threshold = (select min_total_score from current_thresholds), false)
            as is_current_threshold,
        ---------- counts
        cast(population_counts.population_leads as {{ dbt.type_bigint() }}) as population_leads,
        cast(population_counts.conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(flag_counts.flagged_leads as {{ dbt.type_bigint() }}) as flagged_leads,
        cast(flag_counts.flagged_before_conversion as {{ dbt.type_bigint() }}) as flagged_before_conversion,
        ---------- rates
        cast(flag_counts.flagged_before_conversion as {{ type_double() }})
        / nullif(flag_counts.flagged_leads, 0) as precision,
        cast(flag_counts.flagged_before_conversion as {{ type_double() }})
        / nullif(population_counts.conversions, 0) as recall,
        cast(flag_counts.median_days_flag_to_conversion as {{ type_double() }}) as median_days_flag_to_conversion,
        ---------- the backtest
        '{{ calibration.outcome }}' as calibration_outcome,
        {{ as_of() }} as as_of
    from flag_counts
    cross join population_counts
)

select * from final
