"""Quality sets from R packages: real tables Augur was never tuned on.

    apt-get install -y r-base-core r-cran-mlbench r-cran-mass r-cran-modeldata r-cran-aer
    /usr/bin/python3 bench/peers/check_sets_r.py /tmp/augur-check-sets-r                   # twelve small tables (mlbench, MASS)
    /usr/bin/python3 bench/peers/check_sets_r.py /tmp/augur-check-sets-biz --set business  # fifteen mid-size business-like ones
    AUGUR_DATASETS=/tmp/augur-check-sets-r npm run bench -- quality

`--set mlbench` (the default) is the third check set: few rows, heavy gaps, many classes. `--set business`
is the fourth: 800 to 58,000 rows from modeldata, AER and mlbench (churn, credit, lending, attrition,
house and car prices, wages, 26 letters, a 7-class set with classes of 10 rows).

Runs Rscript to export the datasets, then writes them as CSV (R factors as text, missing as empty
cells, identifier and leaky columns dropped) with the same fixed 80/20 test split (seed 0, stratified
on the class or on target deciles), datasets.json and baselines.md as bench/peers/check_sets.py, whose
code it reuses: default HistGradientBoosting / XGBoost hist (native categoricals), LogisticRegression
(max_iter=2000) or Ridge(alpha=1) on scaled numerics + one-hot, RandomForest(300).
Factors whose levels are all numbers (0/1 flags, 1-10 scores, codes) come out as numbers, as any CSV
reader sees them. Class labels that are numbers get a text prefix, so the class column reads as classes.
Needs Debian's python3-sklearn python3-xgboost python3-pandas python3-statsmodels and the R packages above.
"""
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import sklearn
import xgboost

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_sets as cs  # noqa: E402

APT = 'apt-get install -y r-base-core r-cran-mlbench r-cran-mass r-cran-modeldata r-cran-aer'
R_SCRIPT = r'''
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
sets <- strsplit(args[-1], ":", fixed = TRUE)
pkgs <- unique(vapply(sets, `[`, "", 1))
missing <- pkgs[!vapply(pkgs, requireNamespace, TRUE, quietly = TRUE)]
if (length(missing)) { cat("MISSING", missing, "\n"); quit(status = 3) }
for (s in sets) {
  e <- new.env()
  data(list = s[2], package = s[1], envir = e)
  write.csv(get(s[2], envir = e), file.path(out, paste0(s[2], ".csv")), row.names = FALSE, na = "")
}
'''


def die(msg):
    print(f'check_sets_r.py: {msg}', file=sys.stderr)
    sys.exit(1)


def export(tmp, tables):
    """Writes <tmp>/<R dataset>.csv for every table of a check set."""
    rscript = shutil.which('Rscript')
    if not rscript:
        die(f'Rscript not found; install R and the dataset packages with: {APT}')
    names = [f"{t['package']}:{t['r_name']}" for t in tables]
    r = subprocess.run([rscript, '--vanilla', '-e', R_SCRIPT, tmp, *names], capture_output=True, text=True)
    if r.returncode == 3 and 'MISSING' in r.stdout:
        pkgs = r.stdout.split('MISSING', 1)[1].split()
        die(f'R package(s) {", ".join(pkgs)} not installed; install with: {APT}')
    if r.returncode != 0:
        die(f'Rscript failed ({r.returncode}): {(r.stderr.strip() or r.stdout.strip()).splitlines()[-1:]}')


def read(tmp, name):
    # Only empty cells are missing (R wrote NA as ""); text such as "None" stays a value.
    return pd.read_csv(os.path.join(tmp, name + '.csv'), keep_default_na=False, na_values=[''])


def put(name, df, target, task, source, positive=None, note=None):
    df = df.reset_index(drop=True)
    extra = dict(positive_class=positive, rows=len(df), columns=df.shape[1], na_values=[''], drop_columns=[], source=source)
    if note:
        extra['note'] = note
    cs.add(name, df, target, task, float_format='%.15g', **extra)  # 15 digits as R writes them: 6 not 6.0


def ds(name, package, r_name, target, task, positive, note, prepare=None):
    """One check-set table: R's package::r_name, made ready by `prepare` (rows or columns dropped, labels fixed)."""
    return dict(name=name, package=package, r_name=r_name, target=target, task=task, positive=positive, note=note, prepare=prepare)


def with_prefix(col, prefix):
    """Class labels that are numbers get a text prefix, so the class column reads as classes."""
    def prepare(df):
        df[col] = prefix + df[col].astype(str)
        return df
    return prepare


OZONE_COLUMNS = ['month', 'day_of_month', 'day_of_week', 'ozone', 'pressure_500mb', 'wind_speed', 'humidity', 'temp_sandburg',
                 'temp_el_monte', 'inversion_base_height', 'pressure_gradient', 'inversion_base_temp', 'visibility']

MLBENCH_SETS = [
    ds('sonar', 'mlbench', 'Sonar', 'Class', 'binary', 'M',
       '60 sonar energy bands, 208 rows; M = metal cylinder (mine), R = rock; rows are sorted by class'),
    ds('pima_diabetes2', 'mlbench', 'PimaIndiansDiabetes2', 'diabetes', 'binary', 'pos',
       "the version with impossible zeros recoded as missing: insulin 49 %, triceps 30 % empty"),
    ds('house_votes84', 'mlbench', 'HouseVotes84', 'Class', 'binary', 'republican',
       'party from 16 y/n votes (V1..V16) with empty cells for abstentions'),
    ds('survey', 'MASS', 'survey', 'Sex', 'binary', 'Male',
       "students' answers, mixed text/number columns with gaps, 1 row without Sex dropped; "
       "Exer has the value 'None' (a category, not a missing marker)",
       lambda df: df[df.Sex.notna()]),
    ds('aids2', 'MASS', 'Aids2', 'status', 'binary', 'D',
       "D = died, A = alive at the end of observation; 'death' (date of death or of censoring) dropped as leaky; "
       'diag = date of diagnosis as a day number',
       lambda df: df.drop(columns=['death'])),
    ds('glass', 'mlbench', 'Glass', 'Type', 'multiclass', None,
       'six glass types of 9 to 76 rows (test set: 2 to 15 rows per type)',
       with_prefix('Type', 'type')),
    ds('dna', 'mlbench', 'DNA', 'Class', 'multiclass', None,
       '180 0/1 columns (one-hot DNA bases), splice junction class ei / ie / n'),
    ds('soybean', 'mlbench', 'Soybean', 'Class', 'multiclass', None,
       '19 diseases of 8 to 92 rows, 35 coded (numeric) factors, 2,337 empty cells'),
    ds('boston_housing2', 'mlbench', 'BostonHousing2', 'cmedv', 'regression', None,
       "corrected median value cmedv; its uncorrected twin medv and the census tract id dropped; 'town' has 92 names",
       lambda df: df.drop(columns=['medv', 'tract'])),
    ds('ozone', 'mlbench', 'Ozone', 'ozone', 'regression', None,
       'daily maximum ozone, Los Angeles 1976 (columns V1..V13 renamed); 5 rows without ozone dropped; temp_el_monte 38 % empty',
       lambda df: df.set_axis(OZONE_COLUMNS, axis=1).loc[lambda o: o.ozone.notna()]),
    ds('cpus', 'MASS', 'cpus', 'perf', 'regression', None,
       "relative CPU performance, right-skewed (15 to 1,238); machine name and the published estimate 'estperf' dropped",
       lambda df: df.drop(columns=['name', 'estperf'])),
    ds('nlschools', 'MASS', 'nlschools', 'lang', 'regression', None,
       "Dutch pupils' language test score; 'class' is a numeric code of 133 school classes"),
]

BUSINESS_SETS = [
    ds('attrition', 'modeldata', 'attrition', 'Attrition', 'binary', 'Yes',
       'IBM HR employee attrition, 1,470 rows, 30 mixed columns (16 % leave)'),
    ds('credit_data', 'modeldata', 'credit_data', 'Status', 'binary', 'bad',
       'credit scoring, 4,454 rows with gaps in income, assets, debt'),
    ds('mlc_churn', 'modeldata', 'mlc_churn', 'churn', 'binary', 'yes',
       'telephone customer churn, 5,000 rows, 51 states, 14 % churn'),
    ds('lending_club', 'modeldata', 'lending_club', 'Class', 'binary', 'bad',
       'loans, 9,857 rows, 5 % bad'),
    ds('stackoverflow', 'modeldata', 'stackoverflow', 'Remote', 'binary', 'Remote',
       'developer survey, 5,594 rows: works remotely or not (10 % remote)'),
    ds('hmda', 'AER', 'HMDA', 'deny', 'binary', 'yes',
       'Boston mortgage applications, 2,380 rows: denied or not'),
    ds('hpc_jobs', 'modeldata', 'hpc_data', 'class', 'multiclass', None,
       'compute-job run time class VF / F / M / L (F is a class, not false), 4,331 rows'),
    ds('letters', 'mlbench', 'LetterRecognition', 'lettr', 'multiclass', None,
       '26 letters (T and F among them) from 16 shape measures, 20,000 rows'),
    ds('shuttle', 'mlbench', 'Shuttle', 'Class', 'multiclass', None,
       'space shuttle radiator states, 58,000 rows, 7 classes of 10 to 45,586 rows',
       lambda df: df.assign(Class=df.Class.str.replace('.', ' ', regex=False))),
    ds('ames', 'modeldata', 'ames', 'Sale_Price', 'regression', None,
       'Ames house prices, 2,930 rows, 73 mixed columns'),
    ds('concrete', 'modeldata', 'concrete', 'compressive_strength', 'regression', None,
       'concrete strength from its mixture and age, 1,030 rows'),
    ds('sacramento', 'modeldata', 'Sacramento', 'price', 'regression', None,
       'Sacramento house sales, 932 rows, city and zip as text'),
    ds('car_prices', 'modeldata', 'car_prices', 'Price', 'regression', None,
       'used GM car prices, 804 rows, many 0/1 columns'),
    ds('cps1988', 'AER', 'CPS1988', 'wage', 'regression', None,
       'weekly wages of US men, 28,155 rows, right-skewed'),
    ds('nmes1988', 'AER', 'NMES1988', 'visits', 'regression', None,
       'physician office visits (a count), 4,406 rows'),
]

CHECK_SETS = {
    'mlbench': (MLBENCH_SETS, 'R check sets (bench/peers/check_sets_r.py): real tables from the R packages mlbench and MASS.'),
    'business': (BUSINESS_SETS, 'Business check sets (bench/peers/check_sets_r.py --set business): mid-size real '
                                'tables from the R packages modeldata, AER and mlbench.'),
}


def build(tmp, tables):
    """Writes every table of a check set (exported to `tmp` first) with its split."""
    for t in tables:
        df = read(tmp, t['r_name'])
        if t['prepare']:
            df = t['prepare'](df)
        put(t['name'], df, t['target'], t['task'], f"R {t['package']}::{t['r_name']}", t['positive'], t['note'])


def num(v, digits=4):
    return '' if v is None else f'{v:.{digits}f}'


def write_baselines(results, which):
    head = ('# Check-set baselines (bench/peers/check_sets_r.py)\n\n'
            f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC ({os.cpu_count()} CPU cores, scikit-learn {sklearn.__version__}, "
            f'XGBoost {xgboost.__version__}, pandas {pd.__version__}, Python {platform.python_version()}) from R datasets '
            f'(Debian r-cran-* packages, --set {which}).\n\n'
            'Protocol as ../shared/datasets/baselines.md: one stratified 80/20 train/test split per dataset, seed 0 '
            '(regression: stratified on target deciles); test rows in splits/. Library defaults; `hgb` = HistGradientBoosting '
            'with native categoricals, `xgb` = XGBoost hist with native categoricals, `linear` = LogisticRegression(max_iter=2000) '
            'or Ridge(alpha=1) on standard-scaled mean-imputed numerics + one-hot categoricals, `rf` = RandomForest 300 trees on '
            'median-imputed numerics + ordinal-encoded categoricals. ROC AUC: binary = positive class, multiclass = one-vs-rest macro. '
            'fit s = wall time of fit() on this machine. Best = highest ROC AUC or lowest RMSE; ref = majority-class accuracy '
            f'or RMSE of predicting the training mean.\n\n## R check sets ({which})\n\n'
            '| dataset | task | rows | model | accuracy | macro-F1 | ROC AUC | RMSE | MAE | R2 | fit s |\n'
            '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n')
    per_model, best_rows = [], []
    for s, res, detail, ref in results:
        reg = s['task'] == 'regression'
        best = cs.best_of(s, res)
        for m, v in res.items():
            d = detail[m]
            metrics = ['', '', '', num(v), num(d['mae']), num(d['r2'])] if reg else [num(d['accuracy']), num(d['macro_f1']), num(v), '', '', '']
            cells = [s['name'], s['task'], str(len(s['df'])), m + (' **(best)**' if m == best else ''), *metrics, f"{d['fit_s']:.2f}"]
            per_model.append('| ' + ' | '.join(cells) + ' |')
        key = 'r2' if reg else 'accuracy'
        second = max(detail, key=lambda m: detail[m][key])
        best_rows.append(f"| {s['name']} | {s['task']} | {s['target']} | {best} | {'rmse' if reg else 'roc_auc'} | {res[best]:.4f} | "
                         f"{key} {detail[second][key]:.4f} ({second}) | {ref:.4f} |")
    with open(os.path.join(cs.OUT, 'baselines.md'), 'w') as fh:
        fh.write(head + '\n'.join(per_model) + f'\n\nBest per dataset (R check sets, {which}):\n\n'
                 '| dataset | task | target | best model | primary metric | value | best accuracy / R2 (model) | ref |\n'
                 '|---|---|---|---|---|---:|---|---:|\n' + '\n'.join(best_rows) + '\n')


def reference(s):
    test = np.zeros(len(s['df']), bool)
    test[s['test']] = True
    y = s['df'][s['target']]
    if s['task'] == 'regression':
        return float(np.sqrt(np.mean((y[test] - y[~test].mean()) ** 2)))
    return float(np.mean(y[test] == y[~test].mode()[0]))


def main():
    args = sys.argv[1:]
    which = 'mlbench'
    if len(args) == 3 and args[1] == '--set' and args[2] in CHECK_SETS:
        which = args[2]
    elif len(args) != 1:
        die(f'usage: /usr/bin/python3 bench/peers/check_sets_r.py <outdir> [--set {"|".join(CHECK_SETS)}]')
    tables, description = CHECK_SETS[which]
    cs.OUT = args[0]
    with tempfile.TemporaryDirectory(prefix='augur-r-') as tmp:
        export(tmp, tables)
        build(tmp, tables)
    results = []
    for s in cs.sets:
        detail = {}
        res = cs.fit_baselines(s, detail)
        print(s['name'], s['task'], s['df'].shape, {k: round(v, 4) for k, v in res.items()}, 'best', cs.best_of(s, res), flush=True)
        results.append((s, res, detail, reference(s)))
    cs.write_index(
        description=description + ' Only empty cells are missing (na_values). The fixed 80/20 test split is in splits/<name>.test-rows.txt (0-based data-row indices, header '
                    'not counted; every other row is training data).',
        split={'test_fraction': 0.2, 'seed': 0, 'method': 'sklearn.model_selection.train_test_split(stratify=target for classification, '
                                                          'stratify=target deciles for regression)'})
    write_baselines(results, which)
    print('wrote', cs.OUT)


if __name__ == '__main__':
    main()
