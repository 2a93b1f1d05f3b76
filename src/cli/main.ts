import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { kDefaultChromium } from './chromium.js';
import { runInterruptTasks } from './cleanup.js';
import { CliError, kExit } from './errors.js';
import { modelsJson, modelsText } from './models.js';
import { loadSpecFiles, presetJob, withRefine, withTimelapse } from './specs.js';
import { readModelFile } from './model-files.js';

// Vite and puppeteer load only for commands that start a browser: `models` and usage errors stay quick.
const runJobs: typeof import('./run.js').runJobs = async (...a) => (await import('./run.js')).runJobs(...a);
const runCompare: typeof import('./compare.js').runCompare = async (...a) => (await import('./compare.js')).runCompare(...a);
const runTrajectory: typeof import('./trajectory.js').runTrajectory = async (...a) => (await import('./trajectory.js')).runTrajectory(...a);
const mergeTiles: typeof import('./merge.js').mergeTiles = async (...a) => (await import('./merge.js')).mergeTiles(...a);
const version = () => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const kRefineFlag = '--refine [coarse]';
const kRefineHelp =
  'integrate only along class boundaries: COARSE blocks across x (default 64; x.n = COARSE·2^k), then 2×2 splits where classes change; writes computed.npy and uncertain.npy';
const kTimelapseFlag = '--timelapse [frames]';
const kTimelapseHelp =
  "record every cell's class at FRAMES (default 64) log-spaced flow times from tEnd/1000 to tEnd; writes timelapse.npy [FRAMES, y.n, x.n] (not with --refine)";
const kVideoSizeHelp = "timelapse.webm frame size WIDTHxHEIGHT in pixels, even (default: the long side 720, the map's aspect)";
const kFpsHelp = 'timelapse.webm frames per second (default 12)';
const kCsvHelp = 'write grid.csv (by default only for grids up to 512×512 cells; beyond, it runs to gigabytes)';
const kNoCsvHelp = 'never write grid.csv';

/**
 * Ctrl-C, SIGTERM and SIGHUP (a closed terminal or ssh session): kill the browser, delete partial
 * output and temporary files, exit 130/143/129 (the launcher installs this). kill -9 cannot be
 * caught: Chromium then exits with its pipe and the reaper (reaper.ts) deletes the files.
 */
export function installSignalHandlers(): void {
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    runInterruptTasks();
    process.stderr.write(`collapse-atlas: interrupted (${signal}); no output written\n`);
    process.exit(code);
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('SIGHUP', onSignal('SIGHUP', 129));
}

/**
 * `collapse-atlas`: batch runs of sweep specs in headless Chromium (README "Batch runs").
 * Returns the exit code: 0 done, 2 bad spec or arguments, 3 no browser/WebGPU, 4 device lost or
 * browser crash or stall after retries, 1 anything unexpected; 130/143/129 on SIGINT/SIGTERM/SIGHUP.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('collapse-atlas')
    .description('Phase diagrams of non-contrastive SSL dynamics, computed with WebGPU in headless Chromium')
    .version(version())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const chromium = () => new Option('--chromium <path>', 'Chromium executable (env CHROMIUM_PATH)').default(kDefaultChromium);

  program
    .command('run')
    .description('run sweep specs (JSON files, each one spec or an array of specs)')
    .argument('<spec...>', 'spec files')
    .option('--out <dir>', 'output folder (one subfolder per spec when there are several)', 'atlas-out')
    .option('--tile <I/N>', 'run only row band I (0-based) of N; merge the N folders with `merge`')
    .option(kRefineFlag, kRefineHelp)
    .option(kTimelapseFlag, kTimelapseHelp)
    .option('--video-size <WxH>', kVideoSizeHelp)
    .option('--fps <N>', kFpsHelp)
    .option('--csv', kCsvHelp)
    .option('--no-csv', kNoCsvHelp)
    .addOption(chromium())
    .option('--quiet', 'no progress and no summary')
    .option('--force', 'replace an existing output folder')
    .action(async (files: string[], o) =>
      runJobs(
        loadSpecFiles(files).map((job) => withTimelapse(withRefine(job, o.refine), o.timelapse)),
        o,
      ),
    );

  program
    .command('preset')
    .description('run a preset, e.g. tian-l2/weight-decay-threshold (see `models`)')
    .argument('<model/preset>')
    .option('--out <dir>', 'output folder (default: MODEL-PRESET)')
    .option('--tile <I/N>', 'run only row band I (0-based) of N')
    .option('--n <N>', "grid points on each axis instead of the preset's")
    .option('--t-end <T>', "integrate to this flow time instead of the preset's")
    .option('--model <file>', 'a model file whose presets to look in (README "Your own model")')
    .option(kRefineFlag, kRefineHelp)
    .option(kTimelapseFlag, kTimelapseHelp)
    .option('--video-size <WxH>', kVideoSizeHelp)
    .option('--fps <N>', kFpsHelp)
    .option('--csv', kCsvHelp)
    .option('--no-csv', kNoCsvHelp)
    .addOption(chromium())
    .option('--quiet', 'no progress and no summary')
    .option('--force', 'replace an existing output folder')
    .action(async (ref: string, o) => {
      const job = withTimelapse(
        withRefine(presetJob(ref, { n: o.n, tEnd: o.tEnd }, o.model ? [readModelFile(o.model)] : []), o.refine),
        o.timelapse,
      );
      await runJobs([job], { ...o, out: o.out ?? `${job.preset!.model}-${job.preset!.id}` });
    });

  program
    .command('compare')
    .description(
      'two sweeps on the same axes side by side, and the cells whose class differs: A.json B.json, one file { a, b, title? }, or --preset ID',
    )
    .argument('[spec...]', 'two spec files, or one compare file')
    .option('--preset <id>', 'a comparison preset (`models` lists them)')
    .option('--n <N>', "with --preset: grid points on each axis instead of the preset's")
    .option('--out <dir>', 'output folder (a/ and b/ inside, then diff.npy, compare.json, figure.png)')
    .addOption(chromium())
    .option('--quiet', 'no progress and no summary')
    .option('--force', 'replace an existing output folder')
    .action(async (files: string[], o) => runCompare(files, { ...o, out: o.out ?? (o.preset ? `compare-${o.preset}` : 'compare-out') }));

  program
    .command('trajectory')
    .description(
      "one cell's f64 trajectory as the model's derived series (e.g. eigenvalues per mode): trajectory.csv, trajectory.svg, trajectory.png (semilog where the series asks), manifest.json",
    )
    .argument('<model/preset>')
    .option('--at <x,y>', "the cell: values of the preset's x and y parameters (default: the preset's own cell)")
    .option('--out <dir>', 'output folder (default: MODEL-PRESET-trajectory)')
    .option('--model <file>', 'a model file whose presets to look in (README "Your own model")')
    .addOption(chromium())
    .option('--quiet', 'no summary')
    .option('--force', 'replace an existing output folder')
    .action(async (ref: string, o) => runTrajectory(ref, o));

  program
    .command('models')
    .description('list every model with parameters, initial conditions, symbols, defaults, ranges, legend and presets')
    .option('--json', 'machine-readable')
    .option('--model <file...>', 'also list these model files (README "Your own model"), after checking them')
    .action((o: { json?: boolean; model?: string[] }) => {
      const files = (o.model ?? []).map((path) => ({ path, model: readModelFile(path).model }));
      process.stdout.write(`${o.json ? modelsJson(files) : modelsText(files)}\n`);
    });

  program
    .command('merge')
    .description('merge the folders of `run --tile I/N` (all N of them) into the full result')
    .argument('<dir...>', 'tile folders')
    .requiredOption('--out <dir>', 'output folder')
    .addOption(chromium())
    .option('--quiet', 'no summary')
    .option('--force', 'replace an existing output folder')
    .action(async (dirs: string[], o) => mergeTiles(dirs, o));

  try {
    await program.parseAsync(argv);
    return kExit.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return kExit.ok;
      return kExit.usage; // commander has printed the message
    }
    if (e instanceof CliError) {
      process.stderr.write(`collapse-atlas: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`collapse-atlas: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
