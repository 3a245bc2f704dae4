"""Adopting the CI image in an existing uv project (``ci-image init``).

Read the project (:mod:`.project`), decide every change (:mod:`.plan`), then write all
files or none. Each concern is its own module: the image name from the git remote
(:mod:`.remote`), the settings edit (:mod:`.settings_edit`), the jobs' bootstrap pin and
install steps (:mod:`.jobs`, :mod:`.steps`), the build workflow (:mod:`.build_workflow`)
and actionlint's runner labels (:mod:`.actionlint`).
"""
