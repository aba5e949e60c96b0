//! Replays every input under `corpus/regressions/` through the check of the
//! fuzz target it is named after (`<target>-<what it caught>.bin`), so a
//! fixed finding stays fixed.

use std::path::Path;

#[test]
fn every_regression_input_passes_its_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus/regressions") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".bin") {
            continue;
        }
        let target = name.split('-').next().unwrap_or_default();
        let data = std::fs::read(&path).unwrap();
        assert!(msxca::fuzzing::check_target(target, &data), "{name}: no fuzz target called {target:?}");
        replayed += 1;
    }
    eprintln!("replayed {replayed} regression inputs");
    assert!(replayed > 0, "corpus/regressions holds no inputs");
}
