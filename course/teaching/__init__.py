"""Teaching output, generated from course.toml and the committed notebooks.

generated  -- one shape for every generated file: render, check, write (and the
              ``<!-- name:start -->`` … ``<!-- name:end -->`` block replacer)
readme     -- README.md's chapter table and browser links
nav        -- the notebooks' prev/contents/next cells and notebooks/00_index.ipynb
classroom  -- .github/workflows/classroom.yml (PyYAML) and the workshop schedule
book       -- the offline HTML book (site/)
handout    -- the exercises-only handout
gradebook  -- merge learners' JSON reports into one gradebook
notebooks  -- execute a notebook headless and save its outputs
"""
