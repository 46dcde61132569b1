"""XGBoost-hist peer for `npm run bench -- gbdt --peer`: the same CSV rows, the same settings.
usage: /usr/bin/python3 bench/peers/gbdt_peer.py --csv F --target T --rounds 100 --depth 6 --bins 255 --threads 1
Prints one JSON line: train_s (QuantileDMatrix build + train, CSV read excluded), predict_rows_per_s,
predict_1row_us, train_auc. Adapted from /work/shared/bench-peers/gbdt_py.py."""
import argparse, json, statistics, time
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ap = argparse.ArgumentParser()
ap.add_argument('--csv', required=True); ap.add_argument('--target', required=True)
ap.add_argument('--rounds', type=int, default=100); ap.add_argument('--depth', type=int, default=6)
ap.add_argument('--bins', type=int, default=255); ap.add_argument('--threads', type=int, default=1)
a = ap.parse_args()
df = pd.read_csv(a.csv)
y = df.pop(a.target).to_numpy(dtype=np.float32)
X = df.to_numpy(dtype=np.float32)
with threadpool_limits(limits=a.threads):
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score
    params = dict(tree_method='hist', max_depth=a.depth, max_bin=a.bins, eta=0.1, objective='binary:logistic', nthread=a.threads)
    t0 = time.perf_counter(); c0 = time.process_time()
    dm = xgb.QuantileDMatrix(X, y, max_bin=a.bins, nthread=a.threads)
    bst = xgb.train(params, dm, num_boost_round=a.rounds)
    train_s = time.perf_counter() - t0; train_cpu_s = time.process_time() - c0
    bst.set_param({'nthread': a.threads})
    p = bst.inplace_predict(X)
    auc = roc_auc_score(y, p)
    n = X.shape[0]; reps = max(1, int(300_000 // n)); ts = []; cs = []
    for _ in range(3):
        t = time.perf_counter(); c = time.process_time()
        for _ in range(reps): bst.inplace_predict(X)
        ts.append((time.perf_counter() - t) / reps); cs.append((time.process_time() - c) / reps)
    one = X[:1].copy(); [bst.inplace_predict(one) for _ in range(20)]; lat = []
    for _ in range(200):
        t = time.perf_counter(); bst.inplace_predict(one); lat.append(time.perf_counter() - t)
print(json.dumps({'train_s': train_s, 'predict_rows_per_s': n / statistics.median(ts),
                  'predict_1row_us': statistics.median(lat) * 1e6, 'train_auc': auc,
                  'train_cpu_s': train_cpu_s, 'predict_rows_per_cpu_s': n / statistics.median(cs)}))
