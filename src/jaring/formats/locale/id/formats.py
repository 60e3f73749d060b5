from jaring import formats

DATE_INPUT_FORMATS = list(formats.DATE_INPUT_FORMATS)
