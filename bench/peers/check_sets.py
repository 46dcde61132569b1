"""A second quality set, for checking that the AutoML run generalises beyond ../shared/datasets.

    python3 bench/peers/check_sets.py /tmp/augur-check-sets
    AUGUR_DATASETS=/tmp/augur-check-sets npm run bench -- quality

Writes ten datasets with a fixed 80/20 test split (seed 0, stratified on the class or on target
deciles), datasets.json and baselines.md in the same protocol as ../shared/datasets/baselines.md:
default HistGradientBoosting / XGBoost hist (native categoricals), LogisticRegression(max_iter=2000)
or Ridge(alpha=1) on scaled numerics + one-hot, RandomForest(300). Real data bundled with
scikit-learn and statsmodels (no download), plus three synthetic shapes the developers' set lacks:
ten classes on 20k rows, 300 columns on 1,500 rows, and a skewed amount to predict.
Needs Debian's python3-sklearn python3-xgboost python3-pandas python3-statsmodels.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import xgboost as xgb
from sklearn import datasets as skd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error, mean_squared_error, r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

warnings.filterwarnings('ignore')
# Importable (bench/peers/check_sets_r.py reuses add / fit_baselines / write_index): set OUT before add().
OUT = '/tmp/augur-check-sets'
sets = []


def add(name, df, target, task, float_format=None, **extra):
    """Writes <OUT>/<name>.csv and its fixed test split; `extra` fields go into datasets.json."""
    os.makedirs(os.path.join(OUT, 'splits'), exist_ok=True)
    df.to_csv(os.path.join(OUT, name + '.csv'), index=False, float_format=float_format)
    y = df[target]
    strat = pd.qcut(y.rank(method='first'), 10, labels=False) if task == 'regression' else y
    _, test = train_test_split(np.arange(len(df)), test_size=0.2, random_state=0, stratify=strat)
    np.savetxt(os.path.join(OUT, 'splits', f'{name}.test-rows.txt'), np.sort(test), fmt='%d')
    sets.append(dict(name=name, file=name + '.csv', target=target, task=task, **extra, df=df, test=np.sort(test)))


def real_sets():
    b = skd.load_breast_cancer(as_frame=True).frame
    b['target'] = np.where(b.target == 1, 'benign', 'malignant')
    add('breast_cancer', b, 'target', 'binary')
    d = skd.load_digits(as_frame=True).frame
    d['target'] = 'd' + d.target.astype(str)
    add('digits', d, 'target', 'multiclass')
    w = skd.load_wine(as_frame=True).frame
    w['target'] = 'c' + w.target.astype(str)
    add('wine', w, 'target', 'multiclass')
    add('diabetes', skd.load_diabetes(as_frame=True, scaled=False).frame, 'target', 'regression')
    f = sm.datasets.fair.load_pandas().data
    f['had_affair'] = np.where(f.affairs > 0, 'yes', 'no')
    f = f.drop(columns=['affairs'])
    for c in ('occupation', 'occupation_husb'):
        f[c] = f[c].map(lambda v: f'occ{int(v)}')
    add('fair', f, 'had_affair', 'binary')
    a = sm.datasets.anes96.load_pandas().data
    a['vote'] = np.where(a.vote == 1, 'dole', 'clinton')
    a['PID'] = a.PID.map(lambda v: f'pid{int(v)}')
    add('anes96', a, 'vote', 'binary')
    add('randhie', sm.datasets.randhie.load_pandas().data, 'mdvis', 'regression')


def synthetic_sets():
    X, y = skd.make_classification(n_samples=20000, n_features=20, n_informative=12, n_redundant=4, n_classes=10,
                                   n_clusters_per_class=2, flip_y=0.05, random_state=1)
    m = pd.DataFrame(X, columns=[f'f{i}' for i in range(20)])
    m['label'] = ['k' + str(v) for v in y]
    add('multi10', m, 'label', 'multiclass')
    X, y = skd.make_classification(n_samples=1500, n_features=300, n_informative=15, n_redundant=10, flip_y=0.08, random_state=2)
    w = pd.DataFrame(X, columns=[f'g{i}' for i in range(300)])
    w['y'] = np.where(y == 1, 'yes', 'no')
    add('wide300', w, 'y', 'binary')
    rng = np.random.RandomState(3)
    X, yf = skd.make_friedman1(n_samples=5000, n_features=12, noise=1.0, random_state=3)
    r = pd.DataFrame(X, columns=[f'h{i}' for i in range(12)])
    r['region'] = rng.choice(['north', 'south', 'east', 'west', 'centre'], 5000)
    r['amount'] = np.round(np.exp(yf / 6 + (r.region == 'north') * 0.4 + rng.normal(0, 0.3, 5000)) * 100, 2)
    add('skewreg', r, 'amount', 'regression')


def fit_baselines(s, detail=None):
    """Test ROC AUC (classification) or RMSE (regression) of the four default models, by name.
    With a dict `detail`, also fills detail[model] with accuracy / macro-F1 / RMSE / MAE / R2 and fit seconds."""
    df, task, target = s['df'], s['task'], s['target']
    test = np.zeros(len(df), bool)
    test[s['test']] = True
    X = df.drop(columns=[target])
    cats = [c for c in X if X[c].dtype == object]
    nums = [c for c in X if c not in cats]
    if task == 'regression':
        y = df[target].values.astype(float)
    else:
        classes = sorted(df[target].unique())
        y = df[target].map({c: i for i, c in enumerate(classes)}).values

    def fit(name, model, data):
        t0 = time.perf_counter()
        model.fit(data[~test], y[~test])
        seconds = time.perf_counter() - t0
        if task == 'regression':
            pred = model.predict(data[test])
            rmse = mean_squared_error(y[test], pred) ** 0.5
            if detail is not None:
                detail[name] = dict(rmse=rmse, mae=mean_absolute_error(y[test], pred), r2=r2_score(y[test], pred), fit_s=seconds)
            return rmse
        p = model.predict_proba(data[test])
        if detail is not None:
            label = np.argmax(p, axis=1)
            detail[name] = dict(accuracy=accuracy_score(y[test], label), macro_f1=f1_score(y[test], label, average='macro'), fit_s=seconds)
        return roc_auc_score(y[test], p[:, 1]) if task == 'binary' else roc_auc_score(y[test], p, multi_class='ovr', average='macro')

    ordinal = X.copy()
    if cats:
        ordinal[cats] = OrdinalEncoder().fit_transform(X[cats])
    native = X.copy()
    for c in cats:
        native[c] = native[c].astype('category')
    reg = task == 'regression'
    res = {}
    m = (HistGradientBoostingRegressor if reg else HistGradientBoostingClassifier)(categorical_features=[c in cats for c in X] if cats else None)
    res['hgb'] = fit('hgb', m, ordinal)
    m = (xgb.XGBRegressor if reg else xgb.XGBClassifier)(tree_method='hist', enable_categorical=True)
    res['xgb'] = fit('xgb', m, native)
    prep = ColumnTransformer([('n', make_pipeline(SimpleImputer(), StandardScaler()), nums), ('c', OneHotEncoder(handle_unknown='ignore'), cats)])
    m = make_pipeline(prep, Ridge(alpha=1) if reg else LogisticRegression(max_iter=2000))
    res['linear'] = fit('linear', m, X)
    filled = ordinal.fillna(ordinal[~test].median())
    m = (RandomForestRegressor if reg else RandomForestClassifier)(n_estimators=300, random_state=0)
    res['rf'] = fit('rf', m, filled)
    return res


def best_of(s, res):
    return min(res, key=res.get) if s['task'] == 'regression' else max(res, key=res.get)


def baselines(s):
    df, task, target = s['df'], s['task'], s['target']
    reg = task == 'regression'
    res = fit_baselines(s)
    best = best_of(s, res)
    print(s['name'], task, len(df), {k: round(v, 4) for k, v in res.items()}, 'best', best)
    return f"| {s['name']} | {task} | {target} | {best} | {'rmse' if reg else 'roc_auc'} | {res[best]:.4f} | - | - |"


def write_index(**top):
    """<OUT>/datasets.json: `top` fields first, then one entry per added set (without its data)."""
    with open(os.path.join(OUT, 'datasets.json'), 'w') as fh:
        json.dump({**top, 'datasets': [{k: v for k, v in s.items() if k not in ('df', 'test')} for s in sets]}, fh, indent=1)


def main():
    global OUT
    OUT = sys.argv[1] if len(sys.argv) > 1 else OUT
    real_sets()
    synthetic_sets()
    rows = [baselines(s) for s in sets]
    write_index()
    with open(os.path.join(OUT, 'baselines.md'), 'w') as fh:
        fh.write('# Check-set baselines (bench/peers/check_sets.py)\n\nBest per dataset (check sets):\n\n'
                 '| dataset | task | target | best model | primary metric | value | - | - |\n|---|---|---|---|---|---:|---|---:|\n'
                 + '\n'.join(rows) + '\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
