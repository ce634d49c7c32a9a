import { portfolioView } from './portfolio-view.js';
import { runView } from './run-view.js';
import { runsView } from './runs-view.js';

let stopCurrent = () => undefined;

/** Hash routes: `#/`, `#/runs/ID`, `#/runs/ID/portfolios/PID/MODEL_ID`. */
function route() {
  stopCurrent();
  const root = document.getElementById('view');
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = (path || '/').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'runs' && parts[1] && parts[2] === 'portfolios' && parts[3]) {
    document.title = `Portfolio ${parts[3]} — GlobeCo OGS`;
    stopCurrent = portfolioView(root, parts[1], parts[3], parts[4]);
  } else if (parts[0] === 'runs' && parts[1]) {
    document.title = `Run ${parts[1]} — GlobeCo OGS`;
    stopCurrent = runView(root, parts[1]);
  } else {
    document.title = 'Runs — GlobeCo OGS';
    stopCurrent = runsView(root, new URLSearchParams(search));
  }
}

window.addEventListener('hashchange', route);
route();
