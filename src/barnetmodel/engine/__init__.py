"""Cash flows: every option projected year by year, nominal, real and discounted (`projection`, kept
factored in `flows`); draws of the uncertain inputs (`sampling`); the Monte Carlo run over chunks of
draws (`simulate`) and what it reports of them (`sample_stats`, `percentiles`); what a target counts.

May import `scenario`, `data` and `errors`; never `analysis`, `output` or `cli`.
"""
