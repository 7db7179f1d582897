"""Demo catalogue of the Lumen & Northlight optics shop: categories and products in English and Simplified Chinese."""

CATEGORIES = [
    {
        "slug": "camera-lenses",
        "position": 1,
        "en": {
            "name": "Camera Lenses",
            "description": "Prime and zoom lenses for full-frame mirrorless cameras, from ultra-wide landscapes to life-size macro.",
        },
        "zh": {
            "name": "相机镜头",
            "description": "适用于全画幅无反相机的定焦与变焦镜头，从超广角风光到1:1微距一应俱全。",
        },
    },
    {
        "slug": "filters",
        "position": 2,
        "en": {
            "name": "Filters",
            "description": "Polarizers, ND, graduated and protective filters in common thread sizes, all in multi-coated optical glass.",
        },
        "zh": {
            "name": "滤镜",
            "description": "偏振镜、减光镜、渐变镜和UV保护镜，覆盖常用口径，均采用多层镀膜光学玻璃。",
        },
    },
    {
        "slug": "microscopes",
        "position": 3,
        "en": {
            "name": "Microscopes",
            "description": "Compound, stereo and digital microscopes for classrooms, hobby labs and field work, plus prepared slides to get started.",
        },
        "zh": {
            "name": "显微镜",
            "description": "生物显微镜、体视显微镜和数码显微镜，适合课堂教学、家庭实验与野外观察，另有配套标本切片。",
        },
    },
    {
        "slug": "telescopes",
        "position": 4,
        "en": {
            "name": "Telescopes",
            "description": "Refractors, reflectors and a Maksutov for the Moon, planets and deep sky, from grab-and-go scopes to an 8-inch Dobsonian.",
        },
        "zh": {
            "name": "天文望远镜",
            "description": "折射镜、反射镜与马卡望远镜，从轻便入门款到8英寸道布森，月面、行星、深空天体都能看。",
        },
    },
    {
        "slug": "binoculars",
        "position": 5,
        "en": {
            "name": "Binoculars",
            "description": "Roof and Porro prism binoculars for birding, hiking, boating and stargazing, from pocket compacts to 15×70 giants.",
        },
        "zh": {
            "name": "双筒望远镜",
            "description": "屋脊与保罗棱镜双筒望远镜，从口袋便携款到15×70天文双筒，观鸟、徒步、航海、观星皆宜。",
        },
    },
    {
        "slug": "lab-optics",
        "position": 6,
        "en": {
            "name": "Lab Optics",
            "description": "Prisms, beam splitters, mirrors, lenses and breadboards for teaching labs and optical prototyping.",
        },
        "zh": {
            "name": "实验室光学元件",
            "description": "棱镜、分光棱镜、反射镜、透镜及光学面包板，适用于教学实验与光路搭建。",
        },
    },
    {
        "slug": "accessories",
        "position": 7,
        "en": {
            "name": "Accessories",
            "description": "Eyepieces, Barlow lenses, cleaning supplies, cases, tripods and adapters to get more out of your optics.",
        },
        "zh": {
            "name": "配件",
            "description": "目镜、巴洛镜、清洁用品、防护箱、三脚架及各类转接件，为您的光学器材补齐装备。",
        },
    },
]

PRODUCTS = [
    # --- Camera lenses -------------------------------------------------------
    {
        "slug": "lumen-50mm-f1-8-prime-lens",
        "sku": "LN-50-18",
        "category": "camera-lenses",
        "price": "189.00",
        "stock": 34,
        "featured": True,
        "art": {"kind": "lens", "colour": "#d9a23a"},
        "en": {
            "name": "Lumen 50mm f/1.8 Prime Lens",
            "summary": "A light, sharp standard prime with a bright f/1.8 aperture for portraits, street and low-light shooting.",
            "description": (
                "A classic 50mm focal length with a fast f/1.8 maximum aperture, built from 7 elements in 6 groups "
                "including one aspherical element. Multi-layer coating keeps flare and ghosting low when shooting into the light."
                "\n\n"
                "A 7-blade rounded diaphragm gives soft background blur, and the stepping autofocus motor is quiet enough "
                "for video. Weighs 186 g, focuses down to 0.45 m and takes 52mm filters."
            ),
        },
        "zh": {
            "name": "Lumen 50mm f/1.8 标准定焦镜头",
            "summary": "轻巧锐利的标准定焦，f/1.8大光圈，人像、扫街、弱光拍摄都能胜任。",
            "description": (
                "经典50mm焦距，最大光圈f/1.8，镜片结构为6组7片，含1片非球面镜片。多层镀膜有效抑制眩光和鬼影，逆光拍摄依然通透。"
                "\n\n"
                "7片圆形光圈叶片，焦外虚化自然柔和；步进马达对焦安静顺滑，拍视频同样合适。重约186g，最近对焦距离0.45m，滤镜口径52mm。"
            ),
        },
    },
    {
        "slug": "lumen-35mm-f1-4-prime-lens",
        "sku": "LN-35-14",
        "category": "camera-lenses",
        "price": "449.00",
        "stock": 12,
        "featured": False,
        "art": {"kind": "lens", "colour": "#3a7bd5"},
        "en": {
            "name": "Lumen 35mm f/1.4 Prime Lens",
            "summary": "A fast 35mm everyday lens with crisp corners and a natural perspective for documentary and travel work.",
            "description": (
                "A 35mm f/1.4 design with 11 elements in 9 groups, including two aspherical and two ED elements that "
                "control color fringing wide open. Nano-structure coating on the inner surfaces reduces flare in backlit scenes."
                "\n\n"
                "An 11-blade aperture keeps out-of-focus highlights round, and the weather-sealed metal barrel has a "
                "de-clickable aperture ring. 58mm filter thread, 395 g."
            ),
        },
        "zh": {
            "name": "Lumen 35mm f/1.4 人文定焦镜头",
            "summary": "35mm大光圈人文焦段，视角自然、边角锐利，纪实与旅行的随身之选。",
            "description": (
                "35mm f/1.4光学设计，9组11片，含2片非球面镜片和2片ED超低色散镜片，全开光圈下紫边控制出色。内部镜片采用纳米结构镀膜，逆光场景眩光更少。"
                "\n\n"
                "11片光圈叶片，焦外光斑圆润；金属镜身带防尘防滴密封，光圈环可切换有级/无级。滤镜口径58mm，重约395g。"
            ),
        },
    },
    {
        "slug": "lumen-85mm-f1-8-portrait-lens",
        "sku": "LN-85-18",
        "category": "camera-lenses",
        "price": "329.00",
        "stock": 9,
        "featured": True,
        "art": {"kind": "lens", "colour": "#c0504d"},
        "en": {
            "name": "Lumen 85mm f/1.8 Portrait Lens",
            "summary": "A flattering medium telephoto for head-and-shoulders portraits, with smooth bokeh and fast, quiet focusing.",
            "description": (
                "The 85mm focal length and f/1.8 aperture give a natural facial perspective and shallow depth of field. "
                "The optical design uses 9 elements in 8 groups, with one ED element to keep edges clean."
                "\n\n"
                "A 9-blade rounded diaphragm renders creamy backgrounds, and the linear focus motor supports eye-detection "
                "autofocus. 67mm filter thread, minimum focus distance 0.8 m, 360 g."
            ),
        },
        "zh": {
            "name": "Lumen 85mm f/1.8 人像定焦镜头",
            "summary": "人像黄金焦段，背景虚化柔美，对焦迅速安静。",
            "description": (
                "85mm焦距搭配f/1.8大光圈，透视自然不变形，景深浅、主体突出。光学结构8组9片，含1片ED镜片，画面边缘干净利落。"
                "\n\n"
                "9片圆形光圈叶片，焦外过渡如奶油般顺滑；线性马达驱动对焦，支持眼部识别自动对焦。滤镜口径67mm，最近对焦距离0.8m，重约360g。"
            ),
        },
    },
    {
        "slug": "northlight-24-70mm-f2-8-zoom-lens",
        "sku": "NL-2470-28",
        "category": "camera-lenses",
        "price": "1149.00",
        "stock": 3,
        "featured": False,
        "art": {"kind": "lens", "colour": "#2e8b57"},
        "en": {
            "name": "Northlight 24–70mm f/2.8 Standard Zoom Lens",
            "summary": "A constant-aperture workhorse that covers wide-angle to short telephoto in one weather-sealed lens.",
            "description": (
                "Covers 24–70mm with a constant f/2.8 aperture across the range. Its 18 elements in 14 groups include three "
                "aspherical and two ED elements, and the front element has a fluorine coating that repels water and fingerprints."
                "\n\n"
                "Dual linear motors give fast, silent focus, and the zoom ring is damped for smooth video. 82mm filter thread, 845 g."
            ),
        },
        "zh": {
            "name": "Northlight 24-70mm f/2.8 标准变焦镜头",
            "summary": "恒定f/2.8大光圈，一支覆盖广角到中焦，防尘防滴的全能主力镜头。",
            "description": (
                "焦段24-70mm，全程恒定f/2.8光圈。14组18片光学结构，含3片非球面镜片与2片ED镜片；前组镜片采用氟镀膜，防水防油，指纹一擦即净。"
                "\n\n"
                "双线性马达驱动，对焦快速静音；变焦环阻尼适中，拍视频更顺手。滤镜口径82mm，重约845g。"
            ),
        },
    },
    {
        "slug": "northlight-100mm-f2-8-macro-lens",
        "sku": "NL-100-28M",
        "category": "camera-lenses",
        "price": "579.00",
        "stock": 0,
        "featured": False,
        "art": {"kind": "lens", "colour": "#8e44ad"},
        "en": {
            "name": "Northlight 100mm f/2.8 1:1 Macro Lens",
            "summary": "True 1:1 macro with a comfortable working distance for insects, flowers and product close-ups.",
            "description": (
                "Reproduces subjects at life size (1:1) from a minimum focus distance of 0.30 m, leaving room for lighting "
                "between lens and subject. A floating-element design with 15 elements in 11 groups keeps sharpness consistent "
                "from close-up to infinity."
                "\n\n"
                "Includes a focus limiter switch and optical stabilization rated at 4 stops. 62mm filter thread, 625 g."
            ),
        },
        "zh": {
            "name": "Northlight 100mm f/2.8 1:1 微距镜头",
            "summary": "真正1:1微距放大，工作距离充裕，昆虫、花卉、产品特写都好拍。",
            "description": (
                "最大放大倍率1:1，最近对焦距离0.30m，镜头与被摄体之间留有足够空间布光。浮动对焦设计，11组15片，从近摄到无限远都能保持稳定画质。"
                "\n\n"
                "配有对焦范围限制开关，内置光学防抖，约4档补偿效果。滤镜口径62mm，重约625g。"
            ),
        },
    },
    {
        "slug": "lumen-14mm-f2-8-ultra-wide-lens",
        "sku": "LN-14-28",
        "category": "camera-lenses",
        "price": "399.00",
        "stock": 7,
        "featured": False,
        "art": {"kind": "lens", "colour": "#1f9bb5"},
        "en": {
            "name": "Lumen 14mm f/2.8 Ultra-Wide Lens",
            "summary": "A compact ultra-wide prime for landscapes, interiors and the Milky Way, with low coma in the corners.",
            "description": (
                "The 114° angle of view suits dramatic landscapes and tight interiors. Two aspherical elements in a "
                "14-element, 10-group design keep distortion low, and stars stay point-like towards the corners at f/2.8."
                "\n\n"
                "A built-in petal hood protects the domed front element, and a rear slot takes gel filters. "
                "Manual focus with a hard infinity stop, 495 g."
            ),
        },
        "zh": {
            "name": "Lumen 14mm f/2.8 超广角镜头",
            "summary": "小巧的超广角定焦，风光、室内、银河都能拍，画面四角彗差控制良好。",
            "description": (
                "114°超大视角，适合表现壮阔风光和狭小室内空间。10组14片设计，含2片非球面镜片，畸变小；f/2.8全开时四角星点依然锐利。"
                "\n\n"
                "一体式花瓣遮光罩保护凸出的前组镜片，镜头后部设有插片滤镜槽。手动对焦，带无限远硬停，重约495g。"
            ),
        },
    },
    {
        "slug": "northlight-70-300mm-telephoto-zoom-lens",
        "sku": "NL-70300-456",
        "category": "camera-lenses",
        "price": "689.00",
        "stock": 15,
        "featured": False,
        "art": {"kind": "lens", "colour": "#d35400"},
        "en": {
            "name": "Northlight 70–300mm f/4–5.6 Telephoto Zoom Lens",
            "summary": "A lightweight telephoto zoom for wildlife, sport and travel, with 5-stop image stabilization.",
            "description": (
                "Reaches from 70mm to 300mm with a variable f/4–5.6 aperture. The 17-element, 12-group formula includes one "
                "Super ED and two ED elements to suppress chromatic aberration at the long end."
                "\n\n"
                "Optical stabilization gives up to 5 stops of shake correction, and a zoom lock prevents creep while carrying. "
                "Tripod collar sold separately. 67mm filter thread, 720 g."
            ),
        },
        "zh": {
            "name": "Northlight 70-300mm f/4-5.6 长焦变焦镜头",
            "summary": "轻量长焦变焦，野生动物、体育、旅行皆宜，内置约5档光学防抖。",
            "description": (
                "焦段70-300mm，光圈f/4-5.6。12组17片结构，含1片超级ED镜片与2片ED镜片，长焦端色差依然控制到位。"
                "\n\n"
                "光学防抖最高约5档，变焦锁可防止携带时镜筒滑出。三脚架环需另购。滤镜口径67mm，重约720g。"
            ),
        },
    },
    # --- Filters -------------------------------------------------------------
    {
        "slug": "lumen-circular-polarizer-filter-67mm",
        "sku": "LF-CPL-67",
        "category": "filters",
        "price": "59.00",
        "stock": 40,
        "featured": True,
        "art": {"kind": "filter", "colour": "#2c7fb8"},
        "en": {
            "name": "Lumen Circular Polarizer Filter 67mm",
            "summary": "Deepens blue skies and cuts reflections from water and glass, in a slim brass frame that avoids vignetting.",
            "description": (
                "High-transmission polarizing film sealed between two pieces of optical glass, with 16-layer multi-coating "
                "on both sides. The 3.3 mm slim frame avoids vignetting on lenses as wide as 16mm."
                "\n\n"
                "The knurled brass rotating ring turns smoothly and precisely. Expect about 1.5 stops of light loss."
            ),
        },
        "zh": {
            "name": "Lumen 67mm CPL圆偏振镜",
            "summary": "压暗天空、消除水面与玻璃反光，超薄铜框，广角端也不易暗角。",
            "description": (
                "高透光率偏振膜，前后两片光学玻璃封装，双面16层多层镀膜。镜框厚度仅3.3mm，16mm广角端使用也不易出现暗角。"
                "\n\n"
                "黄铜旋转环带防滑纹，转动顺滑、调节精准。使用后约减少1.5档进光量。"
            ),
        },
    },
    {
        "slug": "lumen-uv-protection-filter-58mm",
        "sku": "LF-UV-58",
        "category": "filters",
        "price": "24.50",
        "stock": 60,
        "featured": False,
        "art": {"kind": "filter", "colour": "#7fb3d5"},
        "en": {
            "name": "Lumen UV Protection Filter 58mm",
            "summary": "A clear, multi-coated protective filter that guards your front element against dust, spray and scratches.",
            "description": (
                "Optical glass with an 8-layer anti-reflection coating on each side and a water- and oil-repellent top layer. "
                "Transmission is above 99% across the visible range, so it can stay on the lens permanently."
                "\n\n"
                "Black-anodized aluminum frame with a front thread for a lens cap or hood."
            ),
        },
        "zh": {
            "name": "Lumen 58mm UV保护镜",
            "summary": "多层镀膜高透UV镜，保护镜头前组免受灰尘、水汽和划伤。",
            "description": (
                "光学玻璃双面各8层增透镀膜，外层附防水防油镀膜。可见光透过率高于99%，可长期挂在镜头上使用。"
                "\n\n"
                "铝合金镜框，黑色阳极氧化处理，前端带螺纹，可继续安装镜头盖或遮光罩。"
            ),
        },
    },
    {
        "slug": "northlight-nd1000-10-stop-filter-77mm",
        "sku": "NF-ND1K-77",
        "category": "filters",
        "price": "89.00",
        "stock": 18,
        "featured": False,
        "art": {"kind": "filter", "colour": "#55595f"},
        "en": {
            "name": "Northlight ND1000 10-Stop Filter 77mm",
            "summary": "A neutral 10-stop ND filter for long daylight exposures that turn water to silk and clouds to streaks.",
            "description": (
                "Reduces light by 10 stops (optical density 3.0), turning a 1/30 s exposure into about 30 seconds. "
                "The coating is color-corrected, so images show almost no magenta or blue cast."
                "\n\n"
                "Nano-coated on both sides for easy cleaning, in a slim 4 mm aluminum frame with a front thread."
            ),
        },
        "zh": {
            "name": "Northlight 77mm ND1000减光镜",
            "summary": "10档中性减光，白天也能长时间曝光，拍出丝滑流水和拉丝云彩。",
            "description": (
                "减光10档（光密度3.0），原本1/30秒的曝光可延长至约30秒。镀膜经过色彩校正，几乎不偏红、不偏蓝。"
                "\n\n"
                "双面纳米镀膜，易于清洁；4mm超薄铝合金框，前端带螺纹。"
            ),
        },
    },
    {
        "slug": "northlight-variable-nd-filter-82mm",
        "sku": "NF-VND-82",
        "category": "filters",
        "price": "119.00",
        "stock": 2,
        "featured": False,
        "art": {"kind": "filter", "colour": "#4a6fa5"},
        "en": {
            "name": "Northlight Variable ND2–400 Filter 82mm",
            "summary": "Dial in 1 to 9 stops of light reduction with one filter, ideal for shooting video at wide apertures outdoors.",
            "description": (
                "Two polarizing layers rotate against each other for continuously variable density from ND2 to ND400 "
                "(1–9 stops). Hard stops at both ends prevent the dark cross pattern of over-rotation."
                "\n\n"
                "A marked scale on the rim makes settings repeatable. Multi-coated glass, 82mm thread, with an 82–77mm "
                "step-down ring included."
            ),
        },
        "zh": {
            "name": "Northlight 82mm 可调ND2-400减光镜",
            "summary": "一片滤镜实现1至9档可调减光，户外大光圈拍视频的好帮手。",
            "description": (
                "两层偏振片相对旋转，实现ND2至ND400（1-9档）无级调节。两端设有限位，避免出现“X”形暗纹。"
                "\n\n"
                "镜框带刻度，方便重复设置。多层镀膜光学玻璃，82mm口径，附赠82-77mm转接环。"
            ),
        },
    },
    {
        "slug": "lumen-soft-gnd-0-9-square-filter",
        "sku": "LF-GND9-100",
        "category": "filters",
        "price": "79.00",
        "stock": 11,
        "featured": False,
        "art": {"kind": "filter", "colour": "#e67e22"},
        "en": {
            "name": "Lumen Soft GND 0.9 Square Filter 100×150mm",
            "summary": "A soft-edge graduated ND filter that holds back a bright sky by 3 stops while leaving the foreground untouched.",
            "description": (
                "The upper half darkens by 3 stops (0.9) and blends softly into clear glass, suited to horizons broken by "
                "trees or hills. Made from 2 mm optical glass rather than resin, so it resists scratches and stays color-neutral."
                "\n\n"
                "Fits standard 100mm filter holders. Supplied in a padded pouch."
            ),
        },
        "zh": {
            "name": "Lumen 100×150mm 软渐变GND0.9方形滤镜",
            "summary": "软过渡渐变灰镜，压暗天空3档，前景曝光不受影响。",
            "description": (
                "上半部减光3档（0.9），向下柔和过渡到透明区域，适合地平线有树木或山丘起伏的场景。采用2mm光学玻璃而非树脂，耐刮擦，色彩中性。"
                "\n\n"
                "适配通用100mm方镜支架，随附软包收纳袋。"
            ),
        },
    },
    {
        "slug": "northlight-magnetic-filter-kit-77mm",
        "sku": "NF-MAG-77K",
        "category": "filters",
        "price": "229.00",
        "stock": 0,
        "featured": False,
        "art": {"kind": "filter", "colour": "#16a085"},
        "en": {
            "name": "Northlight Magnetic Filter Kit 77mm",
            "summary": "CPL, ND8 and ND64 filters that snap on and stack magnetically, for fast changes in the field.",
            "description": (
                "Includes a magnetic adapter ring, a circular polarizer, ND8 (3-stop) and ND64 (6-stop) filters, plus a "
                "magnetic front cap. Each filter clicks into place in under a second and stacks without threading."
                "\n\n"
                "All glass is multi-coated and held in aircraft-grade aluminum frames. Comes in a hard zip case."
            ),
        },
        "zh": {
            "name": "Northlight 77mm 磁吸滤镜套装",
            "summary": "CPL偏振镜、ND8与ND64减光镜磁吸快装，可叠加使用，外拍换镜更高效。",
            "description": (
                "套装包含磁吸转接环、CPL圆偏振镜、ND8（3档）与ND64（6档）减光镜以及磁吸镜头盖。滤镜一吸即合，无需旋拧即可叠加。"
                "\n\n"
                "全系多层镀膜光学玻璃，航空铝合金镜框，附硬壳拉链收纳包。"
            ),
        },
    },
    {
        "slug": "lumen-night-sky-filter-72mm",
        "sku": "LF-NS-72",
        "category": "filters",
        "price": "98.00",
        "stock": 14,
        "featured": False,
        "art": {"kind": "filter", "colour": "#6c5ce7"},
        "en": {
            "name": "Lumen Night Sky Filter 72mm",
            "summary": "Cuts sodium and mercury streetlight glow for cleaner night landscapes and Milky Way shots near towns.",
            "description": (
                "A multi-layer interference coating blocks the orange 589 nm sodium band and the main mercury lines while "
                "passing hydrogen-alpha and most of the visible spectrum. Skies come out darker and more neutral, with less "
                "work in post-processing."
                "\n\n"
                "Slim 72mm frame; costs roughly one-third of a stop of exposure."
            ),
        },
        "zh": {
            "name": "Lumen 72mm 星空抗光害滤镜",
            "summary": "有效过滤钠灯、汞灯光害，城郊拍星空、星野风光更通透。",
            "description": (
                "多层干涉镀膜精准截止589nm钠灯橙光及主要汞灯谱线，同时保留Hα及大部分可见光。天空背景更暗、更中性，后期处理更省心。"
                "\n\n"
                "72mm超薄镜框，曝光损失约1/3档。"
            ),
        },
    },
    # --- Microscopes ---------------------------------------------------------
    {
        "slug": "lumen-s40-student-microscope",
        "sku": "LM-S40",
        "category": "microscopes",
        "price": "149.00",
        "stock": 22,
        "featured": False,
        "art": {"kind": "microscope", "colour": "#27ae60"},
        "en": {
            "name": "Lumen S40 Student Compound Microscope",
            "summary": "A sturdy 40×–400× microscope with LED lighting, made for classrooms and curious kids.",
            "description": (
                "Monocular head with a WF10× eyepiece and three achromatic objectives (4×, 10×, 40×) for 40×–400× total "
                "magnification. Coaxial coarse and fine focus on a metal frame keeps specimens steady."
                "\n\n"
                "The dimmable LED illuminator runs on mains power or three AA batteries. Includes 5 blank slides and a dust cover."
            ),
        },
        "zh": {
            "name": "Lumen S40 学生生物显微镜",
            "summary": "40×-400×学生显微镜，LED照明，结构结实，适合课堂教学和孩子的科学启蒙。",
            "description": (
                "单目镜筒，配WF10×目镜和4×、10×、40×三个消色差物镜，总放大倍率40×-400×。金属机身，粗微调同轴对焦，观察稳定。"
                "\n\n"
                "LED照明亮度可调，支持插电或3节5号电池供电。随附5片空白载玻片及防尘罩。"
            ),
        },
    },
    {
        "slug": "lumen-biolab-1000-binocular-microscope",
        "sku": "LM-BL1000",
        "category": "microscopes",
        "price": "429.00",
        "stock": 8,
        "featured": True,
        "art": {"kind": "microscope", "colour": "#2980b9"},
        "en": {
            "name": "Lumen BioLab 1000 Binocular Microscope",
            "summary": "A binocular lab microscope reaching 1000× with oil immersion, an Abbe condenser and a mechanical stage.",
            "description": (
                "Siedentopf binocular head inclined at 30°, with WF10× eyepieces and DIN achromatic objectives 4×, 10×, "
                "40× (spring) and 100× (spring, oil). The 1.25 NA Abbe condenser with iris diaphragm gives even lighting at high power."
                "\n\n"
                "A double-layer mechanical stage with vernier scales makes slide scanning precise. 3 W LED illumination; "
                "immersion oil included."
            ),
        },
        "zh": {
            "name": "Lumen BioLab 1000 双目生物显微镜",
            "summary": "双目实验室级显微镜，油镜可达1000×，配阿贝聚光镜和机械载物台。",
            "description": (
                "西登托夫式双目镜筒，30°倾斜，配WF10×目镜；DIN标准消色差物镜4×、10×、40×（弹簧）和100×（弹簧、油浸）。"
                "NA1.25阿贝聚光镜带可变光阑，高倍下照明依然均匀。"
                "\n\n"
                "双层机械载物台带游标刻度，移动切片精准方便。3W LED照明，随附镜油。"
            ),
        },
    },
    {
        "slug": "northlight-sz45-stereo-zoom-microscope",
        "sku": "NM-SZ45",
        "category": "microscopes",
        "price": "689.00",
        "stock": 4,
        "featured": False,
        "art": {"kind": "microscope", "colour": "#c0392b"},
        "en": {
            "name": "Northlight SZ45 Stereo Zoom Microscope",
            "summary": "A 7×–45× stereo zoom microscope with a long working distance, for circuit boards, watches and dissection.",
            "description": (
                "The 0.7×–4.5× zoom body with WF10× eyepieces gives 7×–45× magnification and a 100 mm working distance, "
                "leaving room for tools under the lens. The upright 3D image makes soldering, watch repair and dissection comfortable."
                "\n\n"
                "Includes top and bottom LED illumination on a heavy track stand with a reversible black/white stage plate."
            ),
        },
        "zh": {
            "name": "Northlight SZ45 连续变倍体视显微镜",
            "summary": "7×-45×连续变倍体视显微镜，工作距离长，适合电路板维修、钟表维修和解剖观察。",
            "description": (
                "0.7×-4.5×变倍主体搭配WF10×目镜，总倍率7×-45×，工作距离100mm，镜下操作空间充足。正像立体成像，焊接、修表、解剖都很舒适。"
                "\n\n"
                "配上下双LED照明，重型立柱底座，黑白双面载物板。"
            ),
        },
    },
    {
        "slug": "lumen-t2000-trinocular-research-microscope",
        "sku": "LM-T2000",
        "category": "microscopes",
        "price": "1899.00",
        "stock": 1,
        "featured": False,
        "art": {"kind": "microscope", "colour": "#34495e"},
        "en": {
            "name": "Lumen T2000 Trinocular Research Microscope",
            "summary": "An infinity-corrected trinocular microscope with plan achromats and Köhler illumination, ready for a camera.",
            "description": (
                "Infinity-corrected optics with plan achromatic objectives 4×, 10×, 20×, 40× and 100× oil give flat, sharp "
                "fields from edge to edge. The trinocular head switches between 100/0 and 0/100 and has a C-mount camera port."
                "\n\n"
                "Köhler illumination with a field diaphragm, swing-out condenser and 10 W LED. Ceramic-coated stage and "
                "coaxial focus with tension adjustment."
            ),
        },
        "zh": {
            "name": "Lumen T2000 三目研究级显微镜",
            "summary": "无限远光学系统、平场消色差物镜、柯勒照明，三目接口可直接连接显微相机。",
            "description": (
                "无限远校正光学系统，配4×、10×、20×、40×、100×（油）平场消色差物镜，视场平坦，边缘同样清晰。"
                "三目镜筒分光比100/0与0/100可切换，C接口可接显微相机。"
                "\n\n"
                "柯勒照明，带视场光阑、摆出式聚光镜和10W LED光源。陶瓷涂层载物台，粗微调同轴，松紧可调。"
            ),
        },
    },
    {
        "slug": "lumen-pocket-field-microscope-60-120x",
        "sku": "LM-P120",
        "category": "microscopes",
        "price": "19.90",
        "stock": 55,
        "featured": False,
        "art": {"kind": "loupe", "colour": "#f39c12"},
        "en": {
            "name": "Lumen Pocket Field Microscope 60–120×",
            "summary": "A pen-sized zoom microscope with a built-in LED, for leaves, insects, fabrics and stamps on the go.",
            "description": (
                "Zooms from 60× to 120× with a simple focus wheel, lit by a built-in white LED running on one AAA battery. "
                "Light enough to clip into a shirt pocket."
                "\n\n"
                "The clear base rests directly on a leaf or fabric and keeps the image in focus. Supplied with a lanyard and a spare battery."
            ),
        },
        "zh": {
            "name": "Lumen 60-120× 口袋显微镜",
            "summary": "笔形便携变倍显微镜，自带LED灯，随时观察叶片、昆虫、布料和邮票。",
            "description": (
                "60×至120×变倍，滚轮调焦，内置白光LED，使用1节7号电池。机身轻巧，可以直接别在衬衫口袋里。"
                "\n\n"
                "透明底座可直接贴在叶片或布料上观察，焦点不易跑偏。随附挂绳和备用电池。"
            ),
        },
    },
    {
        "slug": "northlight-5mp-usb-digital-microscope",
        "sku": "NM-USB5",
        "category": "microscopes",
        "price": "129.00",
        "stock": 0,
        "featured": False,
        "art": {"kind": "microscope", "colour": "#00897b"},
        "en": {
            "name": "Northlight 5MP USB Digital Microscope",
            "summary": "A 5-megapixel USB microscope with up to about 300× on-screen magnification, for inspection, teaching and sharing.",
            "description": (
                "A 5 MP sensor streams live video to a computer over USB, with on-screen magnification from 20× to about "
                "300× depending on the display. Eight dimmable LEDs around the lens give shadow-free lighting."
                "\n\n"
                "Comes on a metal stand with fine focus, and works as a standard UVC camera on most operating systems, no driver needed."
            ),
        },
        "zh": {
            "name": "Northlight 500万像素USB数码显微镜",
            "summary": "500万像素USB显微镜，屏幕放大最高约300×，检测、教学、分享都方便。",
            "description": (
                "500万像素传感器，通过USB将实时画面传到电脑，屏幕放大倍率约20×至300×（视显示器尺寸而定）。镜头周围8颗LED亮度可调，照明均匀无阴影。"
                "\n\n"
                "配金属支架和微调对焦，采用UVC协议免驱动，主流操作系统即插即用。"
            ),
        },
    },
    {
        "slug": "lumen-prepared-slide-set-50",
        "sku": "LM-SL50",
        "category": "microscopes",
        "price": "39.00",
        "stock": 30,
        "featured": False,
        "art": {"kind": "kit", "colour": "#d6457f"},
        "en": {
            "name": "Lumen Prepared Slide Set, 50 Slides",
            "summary": "Fifty professionally stained and labeled slides covering plant, animal and human tissue.",
            "description": (
                "Fifty permanent prepared slides on 76 × 26 mm glass with ground edges: plant stems and leaves, insects, "
                "blood smears, bacteria and common tissue sections. Each is stained for contrast and labeled in English."
                "\n\n"
                "Stored in a wooden box with individual slots; suits any standard microscope from 40× upwards."
            ),
        },
        "zh": {
            "name": "Lumen 生物标本切片套装（50片）",
            "summary": "50片染色永久切片，涵盖植物、动物和人体组织，标签清晰。",
            "description": (
                "包含50片永久标本切片，76×26mm磨边载玻片，内容涵盖植物茎叶、昆虫、血涂片、细菌及常见组织切片，均经染色处理，对比清晰，英文标签。"
                "\n\n"
                "木质收纳盒逐片分格存放，适用于40×以上的各类标准显微镜。"
            ),
        },
    },
    # --- Telescopes ----------------------------------------------------------
    {
        "slug": "northlight-70mm-travel-refractor",
        "sku": "NT-70400",
        "category": "telescopes",
        "price": "169.00",
        "stock": 19,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#1abc9c"},
        "en": {
            "name": "Northlight 70mm Travel Refractor Telescope",
            "summary": "A grab-and-go 70mm refractor that packs into a backpack, for the Moon, planets and daytime nature.",
            "description": (
                "A 70mm achromatic objective with 400mm focal length (f/5.7) gives wide, bright views of the Moon, Jupiter's "
                "moons and star clusters. Includes 20 mm and 10 mm eyepieces, a 45° erect-image diagonal for daytime use and a red-dot finder."
                "\n\n"
                "The aluminum tabletop tripod and the telescope both fit in the supplied backpack."
            ),
        },
        "zh": {
            "name": "Northlight 70mm 便携折射望远镜",
            "summary": "背包就能装下的70mm折射镜，看月亮、看行星，白天还能观景观鸟。",
            "description": (
                "70mm消色差物镜，焦距400mm（f/5.7），月面、木星卫星、疏散星团都能看得明亮开阔。附20mm和10mm目镜、45°正像天顶镜（白天观景用）及红点寻星镜。"
                "\n\n"
                "铝合金桌面三脚架与镜筒可一起收进随附的双肩包。"
            ),
        },
    },
    {
        "slug": "northlight-80ed-apochromatic-refractor",
        "sku": "NT-80ED",
        "category": "telescopes",
        "price": "849.00",
        "stock": 5,
        "featured": True,
        "art": {"kind": "telescope", "colour": "#b03a2e"},
        "en": {
            "name": "Northlight 80ED Apochromatic Refractor",
            "summary": "A compact ED apochromat with color-free views and a dual-speed focuser, equally at home in astrophotography.",
            "description": (
                "An 80mm air-spaced doublet with an ED glass element and 480mm focal length (f/6). False color around bright "
                "stars and planets is practically eliminated, and fully multi-coated optics keep contrast high."
                "\n\n"
                "The 2-inch dual-speed Crayford focuser with 1:10 fine focus holds cameras securely. Optical tube only; "
                "includes tube rings, a standard dovetail bar and a padded case."
            ),
        },
        "zh": {
            "name": "Northlight 80ED 复消色差折射望远镜",
            "summary": "紧凑型ED复消色差折射镜，色差极低，双速调焦座，目视与天文摄影两相宜。",
            "description": (
                "80mm双分离物镜，含ED超低色散镜片，焦距480mm（f/6）。亮星和行星周围几乎看不到紫边，全多层镀膜，反差锐利。"
                "\n\n"
                "2英寸双速Crayford调焦座，1:10微调，挂载相机稳固不跑焦。单镜筒销售，附抱箍、标准燕尾板及软包。"
            ),
        },
    },
    {
        "slug": "northlight-102mm-refractor-eq2",
        "sku": "NT-102EQ",
        "category": "telescopes",
        "price": "449.00",
        "stock": 7,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#2471a3"},
        "en": {
            "name": "Northlight 102mm Refractor with EQ2 Mount",
            "summary": "A 4-inch achromatic refractor on an equatorial mount with slow-motion controls: a solid first serious telescope.",
            "description": (
                "A 102mm objective at 660mm focal length (f/6.5) shows lunar craters, Saturn's rings and bright nebulae. "
                "The EQ2 equatorial mount follows the sky with slow-motion cables on both axes, and the steel tripod has an accessory tray."
                "\n\n"
                "Supplied with 25 mm and 10 mm eyepieces, a 90° star diagonal and a 6×30 finder scope."
            ),
        },
        "zh": {
            "name": "Northlight 102mm 折射望远镜（EQ2赤道仪）",
            "summary": "4英寸消色差折射镜搭配EQ2赤道仪，双轴微调，进阶入门的扎实之选。",
            "description": (
                "102mm口径物镜，焦距660mm（f/6.5），月面环形山、土星光环和明亮星云都能看清。EQ2赤道仪双轴配微调软轴，跟踪天体更轻松；钢制三脚架带附件托盘。"
                "\n\n"
                "随附25mm和10mm目镜、90°天顶镜及6×30寻星镜。"
            ),
        },
    },
    {
        "slug": "northlight-130mm-newtonian-reflector",
        "sku": "NT-130N",
        "category": "telescopes",
        "price": "379.00",
        "stock": 10,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#d4a017"},
        "en": {
            "name": "Northlight 130mm Newtonian Reflector",
            "summary": "A 130mm parabolic reflector with plenty of light grasp for galaxies and nebulae, at a modest price.",
            "description": (
                "A 130mm parabolic primary mirror with 650mm focal length (f/5), with enhanced aluminum coating and a silicon "
                "dioxide overcoat. The wide field is ideal for star clusters, the Orion Nebula and the Andromeda Galaxy."
                "\n\n"
                "Comes on an EQ2 mount with a 1.25-inch rack-and-pinion focuser, 25 mm and 10 mm eyepieces and a red-dot "
                "finder. Both mirrors have collimation screws."
            ),
        },
        "zh": {
            "name": "Northlight 130mm 牛顿反射望远镜",
            "summary": "130mm抛物面反射镜，集光力强，观测星系、星云的高性价比之选。",
            "description": (
                "130mm抛物面主镜，焦距650mm（f/5），增强铝膜外加二氧化硅保护层。视场宽广，观测疏散星团、猎户座大星云和仙女座星系尤为合适。"
                "\n\n"
                "配EQ2赤道仪、1.25英寸齿轮齿条调焦座、25mm和10mm目镜及红点寻星镜；主镜与副镜均可调节光轴。"
            ),
        },
    },
    {
        "slug": "northlight-8-inch-dobsonian-telescope",
        "sku": "NT-DOB8",
        "category": "telescopes",
        "price": "699.00",
        "stock": 0,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#7d3c98"},
        "en": {
            "name": "Northlight 8-inch Dobsonian Telescope",
            "summary": "A 203mm Dobsonian with big-aperture views of galaxies and planets, on a mount anyone can use in seconds.",
            "description": (
                "The 203mm f/5.9 parabolic mirror (1200mm focal length) gathers over 800 times more light than the eye, "
                "revealing spiral arms in bright galaxies and fine planetary detail. The rocker-box base turns smoothly on PTFE "
                "bearings with no setup or alignment."
                "\n\n"
                "Includes a 2-inch Crayford focuser with 1.25-inch adapter, a 25 mm Plössl eyepiece and an 8×50 right-angle finder."
            ),
        },
        "zh": {
            "name": "Northlight 8英寸道布森望远镜",
            "summary": "203mm大口径道布森，星系、行星细节尽收眼底，架台简单，几秒上手。",
            "description": (
                "203mm抛物面主镜，焦距1200mm（f/5.9），集光力约为人眼的800多倍，明亮星系的旋臂、行星表面细节清晰可辨。"
                "摇篮式底座采用PTFE轴承，转动顺滑，无需校准即可观测。"
                "\n\n"
                "配2英寸Crayford调焦座（含1.25英寸转接）、PL25mm目镜和8×50直角寻星镜。"
            ),
        },
    },
    {
        "slug": "northlight-90mm-maksutov-cassegrain",
        "sku": "NT-MAK90",
        "category": "telescopes",
        "price": "329.00",
        "stock": 6,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#a0522d"},
        "en": {
            "name": "Northlight 90mm Maksutov-Cassegrain Telescope",
            "summary": "A short, sealed 90mm Maksutov with 1250mm focal length for sharp, high-contrast views of the Moon and planets.",
            "description": (
                "The folded Maksutov-Cassegrain design packs a 1250mm focal length (f/13.9) into a tube just 27 cm long. "
                "The sealed tube keeps dust out and almost never needs collimating."
                "\n\n"
                "Supplied on a single-arm alt-azimuth mount with slow-motion controls, with 25 mm and 10 mm eyepieces and a red-dot finder."
            ),
        },
        "zh": {
            "name": "Northlight 90mm 马克苏托夫-卡塞格林望远镜",
            "summary": "90mm马卡望远镜，焦距1250mm，镜筒短小密封，观测月面和行星锐利高反差。",
            "description": (
                "折叠式马卡光路，将1250mm焦距（f/13.9）收进仅27cm长的镜筒。镜筒密封防尘，几乎无需校准光轴。"
                "\n\n"
                "配单臂地平式架台（带微调）、25mm和10mm目镜及红点寻星镜。"
            ),
        },
    },
    {
        "slug": "northlight-60mm-first-telescope",
        "sku": "NT-60AZ",
        "category": "telescopes",
        "price": "99.00",
        "stock": 27,
        "featured": False,
        "art": {"kind": "telescope", "colour": "#3498db"},
        "en": {
            "name": "Northlight 60mm First Telescope",
            "summary": "A simple 60mm refractor on an easy alt-azimuth mount, sized for children and first nights under the stars.",
            "description": (
                "A 60mm coated objective with 700mm focal length shows craters on the Moon, the phases of Venus and Saturn's "
                "rings. The alt-azimuth mount points like a camera tripod, and the adjustable aluminum legs suit small observers."
                "\n\n"
                "Includes 20 mm and 6 mm eyepieces, a 90° diagonal and a 5×24 finder. Never point it at the Sun without a certified solar filter."
            ),
        },
        "zh": {
            "name": "Northlight 60mm 入门天文望远镜",
            "summary": "60mm折射镜配简易地平式架台，适合孩子和初次观星的朋友。",
            "description": (
                "60mm镀膜物镜，焦距700mm，能看到月面环形山、金星盈亏和土星光环。地平式架台像相机三脚架一样直观好用，铝合金脚架高度可调，小朋友也能轻松操作。"
                "\n\n"
                "附20mm和6mm目镜、90°天顶镜及5×24寻星镜。未加装专业巡日滤光膜时，切勿对准太阳观测。"
            ),
        },
    },
    # --- Binoculars ----------------------------------------------------------
    {
        "slug": "northlight-ridge-8x42-binoculars",
        "sku": "NB-842R",
        "category": "binoculars",
        "price": "229.00",
        "stock": 25,
        "featured": True,
        "art": {"kind": "binoculars", "colour": "#2e7d32"},
        "en": {
            "name": "Northlight Ridge 8×42 Binoculars",
            "summary": "Waterproof roof-prism binoculars with bright, phase-corrected views: our all-round pick for birding and hiking.",
            "description": (
                "8× magnification with 42mm objectives, BaK-4 roof prisms with phase-correction and dielectric coatings, and "
                "fully multi-coated optics. The 7.5° field of view (131 m at 1000 m) makes birds easy to find and follow."
                "\n\n"
                "Nitrogen-purged and O-ring sealed, rubber armored, 640 g. Close focus 2 m, twist-up eyecups, 18 mm eye relief."
            ),
        },
        "zh": {
            "name": "Northlight Ridge 8×42 双筒望远镜",
            "summary": "防水屋脊双筒，相位镀膜成像明亮，观鸟、徒步的全能之选。",
            "description": (
                "8倍放大，42mm物镜口径，BaK-4屋脊棱镜，带相位校正镀膜和介质反射膜，全多层镀膜。视场角7.5°（1000米处131米），找鸟、跟鸟都很轻松。"
                "\n\n"
                "充氮防水防雾，O形圈密封，橡胶外壳，重约640g。最近对焦2m，旋升式眼罩，出瞳距离18mm。"
            ),
        },
    },
    {
        "slug": "northlight-classic-10x50-porro-binoculars",
        "sku": "NB-1050P",
        "category": "binoculars",
        "price": "139.00",
        "stock": 18,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#8d6e63"},
        "en": {
            "name": "Northlight Classic 10×50 Porro Binoculars",
            "summary": "Traditional Porro-prism binoculars with big 50mm objectives for wide, bright views at dusk and under the stars.",
            "description": (
                "10× magnification, 50mm objectives and BaK-4 Porro prisms give a 5 mm exit pupil that stays bright in low "
                "light and works well for casual astronomy. Fully multi-coated optics with center focus and a right-eye diopter."
                "\n\n"
                "Threaded tripod socket under the hinge. Weighs 890 g; neoprene strap and case included."
            ),
        },
        "zh": {
            "name": "Northlight Classic 10×50 保罗双筒望远镜",
            "summary": "经典保罗棱镜结构，50mm大物镜，黄昏观景、入门观星视野开阔明亮。",
            "description": (
                "10倍放大，50mm物镜，BaK-4保罗棱镜，出瞳直径5mm，弱光下依然明亮，也适合入门观星。全多层镀膜，中央调焦，右目镜屈光度可调。"
                "\n\n"
                "中轴下方带三脚架螺孔。重约890g，附潜水料背带和收纳包。"
            ),
        },
    },
    {
        "slug": "northlight-pocket-8x25-compact-binoculars",
        "sku": "NB-825C",
        "category": "binoculars",
        "price": "79.00",
        "stock": 44,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#ff7043"},
        "en": {
            "name": "Northlight Pocket 8×25 Compact Binoculars",
            "summary": "Folding 8×25 binoculars that fit a jacket pocket, for concerts, sport, travel and walks.",
            "description": (
                "A double-hinge design folds down to 11 × 6 cm and weighs only 290 g. BaK-4 roof prisms and multi-coated "
                "lenses give a clear image with a 6.5° field of view."
                "\n\n"
                "Water-resistant body, twist-up eyecups for eyeglass wearers, and a soft pouch with a belt loop."
            ),
        },
        "zh": {
            "name": "Northlight Pocket 8×25 口袋双筒望远镜",
            "summary": "可折叠8×25小双筒，外套口袋就能装下，看演出、看比赛、旅行散步都方便。",
            "description": (
                "双铰链折叠设计，收起仅11×6cm，重约290g。BaK-4屋脊棱镜配多层镀膜镜片，成像清晰，视场角6.5°。"
                "\n\n"
                "机身防泼水，旋升式眼罩，戴眼镜也能看到完整视野；附带可穿腰带的软包。"
            ),
        },
    },
    {
        "slug": "northlight-ridge-ed-10x42-binoculars",
        "sku": "NB-1042ED",
        "category": "binoculars",
        "price": "549.00",
        "stock": 3,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#00897b"},
        "en": {
            "name": "Northlight Ridge ED 10×42 Binoculars",
            "summary": "Our premium 10×42 with ED glass and a magnesium body, for birders who want the finest detail and color.",
            "description": (
                "ED objective elements all but eliminate color fringing on backlit birds, and dielectric-coated BaK-4 roof "
                "prisms deliver a bright, neutral image. The 6.3° field of view is wide for a 10× binocular."
                "\n\n"
                "Magnesium-alloy chassis, waterproof to 1.5 m, water-repellent outer lens coating, close focus 1.8 m, 690 g."
            ),
        },
        "zh": {
            "name": "Northlight Ridge ED 10×42 双筒望远镜",
            "summary": "旗舰级10×42，ED镜片配镁合金机身，细节与色彩还原出众，资深鸟友之选。",
            "description": (
                "物镜采用ED超低色散镜片，逆光观鸟也几乎看不到紫边；介质膜BaK-4屋脊棱镜，成像明亮、色彩中性。6.3°视场在10倍机型中相当宽阔。"
                "\n\n"
                "镁合金机身，1.5米防水，镜片外表面防水镀膜，最近对焦1.8m，重约690g。"
            ),
        },
    },
    {
        "slug": "northlight-skyview-15x70-astronomy-binoculars",
        "sku": "NB-1570",
        "category": "binoculars",
        "price": "199.00",
        "stock": 0,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#3949ab"},
        "en": {
            "name": "Northlight Skyview 15×70 Astronomy Binoculars",
            "summary": "Giant 15×70 binoculars for sweeping the Milky Way, comets and star clusters; tripod adapter included.",
            "description": (
                "70mm objectives and 15× magnification reveal hundreds of stars in open clusters, the Andromeda Galaxy and "
                "Jupiter's moons. BaK-4 Porro prisms with fully multi-coated optics; individual eyepiece focus stays sharp all night."
                "\n\n"
                "At 1.4 kg they are best used on a tripod, and the adapter is in the box."
            ),
        },
        "zh": {
            "name": "Northlight Skyview 15×70 天文双筒望远镜",
            "summary": "15×70大口径双筒，巡游银河、寻找彗星和星团，附赠三脚架转接座。",
            "description": (
                "70mm物镜、15倍放大，疏散星团中的点点繁星、仙女座星系、木星卫星都能一览无余。BaK-4保罗棱镜，全多层镀膜；双目镜独立调焦，调好一次整晚清晰。"
                "\n\n"
                "整机约1.4kg，建议架在三脚架上使用，包装内已含转接座。"
            ),
        },
    },
    {
        "slug": "northlight-harbour-7x50-marine-binoculars",
        "sku": "NB-750M",
        "category": "binoculars",
        "price": "259.00",
        "stock": 9,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#0277bd"},
        "en": {
            "name": "Northlight Harbour 7×50 Marine Binoculars with Compass",
            "summary": "Floating, waterproof 7×50 binoculars with an illuminated compass and a rangefinder reticle for use on the water.",
            "description": (
                "The classic 7×50 format gives a steady, bright image with a 7.1 mm exit pupil, ideal on a moving deck at "
                "dawn or dusk. A built-in compass with switchable illumination and a rangefinder reticle help estimate bearing and distance."
                "\n\n"
                "Nitrogen-filled, waterproof and buoyant, with a floating strap. Individual eyepiece focus, 1.1 kg."
            ),
        },
        "zh": {
            "name": "Northlight Harbour 7×50 航海双筒望远镜（带罗盘）",
            "summary": "7×50航海双筒，防水可漂浮，内置夜光罗盘和测距分划，水上使用更安心。",
            "description": (
                "经典7×50规格，出瞳直径7.1mm，画面稳定明亮，清晨黄昏在晃动的甲板上也好用。内置罗盘可开启照明，带测距分划，便于判断方位与距离。"
                "\n\n"
                "充氮防水，整机可漂浮于水面，附浮力背带。双目镜独立调焦，重约1.1kg。"
            ),
        },
    },
    {
        "slug": "lumen-3x25-opera-glasses",
        "sku": "LB-325",
        "category": "binoculars",
        "price": "45.00",
        "stock": 16,
        "featured": False,
        "art": {"kind": "binoculars", "colour": "#b8860b"},
        "en": {
            "name": "Lumen 3×25 Opera Glasses",
            "summary": "Elegant low-power opera glasses with a gilt finish and fold-out handle, for evenings at the theater and concerts.",
            "description": (
                "A 3× Galilean design with 25mm coated objectives gives a wide, bright view of the stage without the "
                "tunnel effect of stronger binoculars. Center focus wheel and a gilt metal body with pearl-effect panels."
                "\n\n"
                "The fold-out handle tucks away when not needed; supplied in a velvet pouch."
            ),
        },
        "zh": {
            "name": "Lumen 3×25 观剧镜",
            "summary": "低倍优雅的观剧镜，金色机身配可折叠手柄，看话剧、听音乐会的体面之选。",
            "description": (
                "3倍伽利略式光学结构，25mm镀膜物镜，舞台视野宽广明亮，没有高倍望远镜的“管中窥豹”感。中央调焦轮，金色金属机身配珠光饰面。"
                "\n\n"
                "手柄可折叠收起，随附丝绒收纳袋。"
            ),
        },
    },
    # --- Lab optics ----------------------------------------------------------
    {
        "slug": "lumen-equilateral-dispersing-prism-25mm",
        "sku": "LO-EQP-25",
        "category": "lab-optics",
        "price": "42.00",
        "stock": 35,
        "featured": True,
        "art": {"kind": "prism", "colour": "#7e57c2"},
        "en": {
            "name": "Lumen Equilateral Dispersing Prism, 25 mm",
            "summary": "A flint glass prism that splits white light into a vivid spectrum, for teaching and spectroscopy setups.",
            "description": (
                "A 60° equilateral prism in high-dispersion flint glass (refractive index about 1.62), with 25 mm faces and "
                "25 mm length. The faces are polished to λ/4 and left uncoated for honest dispersion demonstrations."
                "\n\n"
                "A favorite for classroom rainbows, Newton's experiments and simple spectrometers. Supplied in a foam-lined box."
            ),
        },
        "zh": {
            "name": "Lumen 25mm 等边色散棱镜",
            "summary": "火石玻璃色散棱镜，将白光分解成绚丽光谱，教学演示和光谱实验常备。",
            "description": (
                "60°等边三棱镜，高色散火石玻璃（折射率约1.62），通光面25mm、长25mm。表面面形λ/4，不镀膜，色散现象真实直观。"
                "\n\n"
                "适合课堂彩虹演示、牛顿分光实验和简易光谱仪搭建。泡棉内衬盒包装。"
            ),
        },
    },
    {
        "slug": "lumen-right-angle-prism-20mm",
        "sku": "LO-RAP-20",
        "category": "lab-optics",
        "price": "36.00",
        "stock": 28,
        "featured": False,
        "art": {"kind": "prism", "colour": "#00acc1"},
        "en": {
            "name": "Lumen Right-Angle Prism, 20 mm",
            "summary": "A BK7 right-angle prism for 90° beam turning or 180° retro-reflection, with AR-coated legs.",
            "description": (
                "Made from BK7 crown glass with 20 mm legs, this prism turns a beam through 90° by total internal reflection, "
                "or sends it back 180° when light enters through the hypotenuse. The leg faces carry a broadband 400–700 nm "
                "anti-reflection coating."
                "\n\n"
                "Surface flatness λ/8, angle tolerance ±3 arcmin. Also handy as a periscope or image-inverting element."
            ),
        },
        "zh": {
            "name": "Lumen 20mm 直角棱镜",
            "summary": "K9光学玻璃直角棱镜，可实现90°光路转折或180°回射，直角面镀增透膜。",
            "description": (
                "K9光学玻璃材质，直角边20mm。利用全反射实现光路90°转折；光从斜面入射时，可将光束180°原路折返。两个直角面镀400-700nm宽带增透膜。"
                "\n\n"
                "面形λ/8，角度公差±3′。也可用于潜望镜或像翻转光路。"
            ),
        },
    },
    {
        "slug": "lumen-50-50-cube-beam-splitter-25mm",
        "sku": "LO-CBS-25",
        "category": "lab-optics",
        "price": "129.00",
        "stock": 12,
        "featured": False,
        "art": {"kind": "prism", "colour": "#26a69a"},
        "en": {
            "name": "Lumen 50:50 Cube Beam Splitter, 25.4 mm",
            "summary": "A non-polarizing cube beam splitter that divides visible light evenly between two paths at 90°.",
            "description": (
                "Two cemented right-angle prisms with a dielectric coating on the hypotenuse split incoming light about "
                "50:50 (±5%) across 450–650 nm, largely independent of polarization. All four outer faces are AR-coated to reduce ghost reflections."
                "\n\n"
                "25.4 mm cube, surface flatness λ/8, beam deviation under 3 arcmin. Ideal for interferometers and dual-camera setups."
            ),
        },
        "zh": {
            "name": "Lumen 25.4mm 50:50立方体分光棱镜",
            "summary": "非偏振立方分光棱镜，将可见光按50:50均匀分成互成90°的两路。",
            "description": (
                "由两块直角棱镜胶合而成，斜面镀介质分光膜，在450-650nm波段分光比约50:50（±5%），对偏振态不敏感。四个通光面均镀增透膜，减少鬼像。"
                "\n\n"
                "边长25.4mm，面形λ/8，光束偏折小于3′。适用于干涉仪搭建和双相机光路。"
            ),
        },
    },
    {
        "slug": "lumen-polarizing-beam-splitter-cube-633nm",
        "sku": "LO-PBS-12",
        "category": "lab-optics",
        "price": "149.00",
        "stock": 2,
        "featured": False,
        "art": {"kind": "prism", "colour": "#e53935"},
        "en": {
            "name": "Lumen Polarizing Beam Splitter Cube, 12.7 mm, 633 nm",
            "summary": "Separates S- and P-polarized light at 633 nm with a high extinction ratio, for HeNe laser experiments.",
            "description": (
                "Transmits P-polarized light (Tp > 95%) and reflects S-polarized light (Rs > 99%) at 633 nm, for an extinction "
                "ratio above 1000:1 in transmission. Made from cemented BK7 prisms with AR coatings on all entrance and exit faces."
                "\n\n"
                "The 12.7 mm cube suits compact setups and fits standard cube holders."
            ),
        },
        "zh": {
            "name": "Lumen 12.7mm 633nm偏振分光棱镜",
            "summary": "633nm偏振分光棱镜，高消光比分离S光与P光，适合氦氖激光实验。",
            "description": (
                "在633nm处透射P偏振光（Tp>95%）、反射S偏振光（Rs>99%），透射消光比大于1000:1。K9光学玻璃棱镜胶合，通光面均镀增透膜。"
                "\n\n"
                "边长12.7mm，体积小巧，可装入标准立方棱镜座。"
            ),
        },
    },
    {
        "slug": "lumen-plano-convex-lens-kit-8",
        "sku": "LO-PCX-K8",
        "category": "lab-optics",
        "price": "119.00",
        "stock": 10,
        "featured": False,
        "art": {"kind": "lens", "colour": "#5c6bc0"},
        "en": {
            "name": "Lumen Plano-Convex Lens Kit, 8 Lenses",
            "summary": "Eight 25.4 mm plano-convex lenses from 25 to 300 mm focal length, for building and testing optical setups.",
            "description": (
                "BK7 plano-convex lenses, 25.4 mm in diameter, with focal lengths of 25, 35, 50, 75, 100, 150, 200 and 300 mm. "
                "Each lens is AR-coated for 400–700 nm, with centration better than 3 arcmin."
                "\n\n"
                "Supplied in a labeled storage box with individual foam slots, so every lens is easy to identify."
            ),
        },
        "zh": {
            "name": "Lumen 平凸透镜套装（8片）",
            "summary": "8片直径25.4mm平凸透镜，焦距25至300mm，光路搭建与教学实验必备。",
            "description": (
                "K9光学玻璃平凸透镜，直径25.4mm，焦距分别为25、35、50、75、100、150、200、300mm，均镀400-700nm增透膜，偏心小于3′。"
                "\n\n"
                "配带标签的收纳盒，每片独立泡棉卡槽，取用辨认一目了然。"
            ),
        },
    },
    {
        "slug": "lumen-aluminum-optical-breadboard-300x450",
        "sku": "LO-BB-3045",
        "category": "lab-optics",
        "price": "389.00",
        "stock": 4,
        "featured": False,
        "art": {"kind": "kit", "colour": "#607d8b"},
        "en": {
            "name": "Lumen Aluminum Optical Breadboard, 300 × 450 mm",
            "summary": "A light, flat aluminum breadboard with an M6 hole grid for building stable optical setups on any bench.",
            "description": (
                "A 12.7 mm thick aluminum plate with M6 tapped holes on a 25 mm grid, flat to within 0.1 mm across the surface. "
                "The black-anodized finish reduces stray reflections."
                "\n\n"
                "Rubber feet damp small vibrations, and counterbored holes let you fix it to a larger table. Compatible with "
                "standard metric posts and mounts."
            ),
        },
        "zh": {
            "name": "Lumen 300×450mm 铝合金光学面包板",
            "summary": "轻量化铝合金光学面包板，M6螺孔阵列，在任何实验台上都能快速搭建稳定光路。",
            "description": (
                "12.7mm厚铝合金板，M6螺纹孔，孔距25mm，整板平面度优于0.1mm。表面黑色阳极氧化，减少杂散反射。"
                "\n\n"
                "底部橡胶脚垫可吸收轻微振动，沉头固定孔便于安装到大型光学平台上。兼容标准公制支杆和镜架。"
            ),
        },
    },
    {
        "slug": "lumen-enhanced-aluminum-mirror-25mm",
        "sku": "LO-MIR-25",
        "category": "lab-optics",
        "price": "29.00",
        "stock": 40,
        "featured": False,
        "art": {"kind": "filter", "colour": "#90a4ae"},
        "en": {
            "name": "Lumen Enhanced Aluminum Mirror, Ø25.4 mm",
            "summary": "A front-surface mirror with a protected, enhanced aluminum coating for bright, ghost-free reflections.",
            "description": (
                "A 6 mm float glass substrate, flat to λ/4, with an enhanced aluminum coating giving over 90% average "
                "reflectance from 450 to 650 nm. Because the coating is on the front surface, there is no secondary ghost image."
                "\n\n"
                "A protective dielectric overcoat allows gentle cleaning. Fits standard 25.4 mm kinematic mirror mounts."
            ),
        },
        "zh": {
            "name": "Lumen Ø25.4mm 增强铝反射镜",
            "summary": "前表面增强铝膜反射镜，反射率高，无二次鬼像。",
            "description": (
                "浮法玻璃基底，厚6mm，面形λ/4；增强铝膜在450-650nm平均反射率大于90%。镀膜位于前表面，不会产生背面二次反射的鬼像。"
                "\n\n"
                "外层有介质保护膜，可轻柔擦拭清洁。适配标准25.4mm精密调整镜架。"
            ),
        },
    },
    # --- Accessories ---------------------------------------------------------
    {
        "slug": "lumen-5-in-1-lens-cleaning-kit",
        "sku": "LA-CLK5",
        "category": "accessories",
        "price": "19.50",
        "stock": 60,
        "featured": True,
        "art": {"kind": "kit", "colour": "#e53950"},
        "en": {
            "name": "Lumen 5-in-1 Lens Cleaning Kit",
            "summary": "Everything to clean lenses, filters and eyepieces safely: blower, brush, fluid, tissues and cloth.",
            "description": (
                "Includes a silicone air blower, a retractable goat-hair brush, 30 ml of alcohol-free cleaning fluid, 50 lens "
                "tissues and a large microfiber cloth. The fluid is safe on multi-coated optics."
                "\n\n"
                "Everything packs into a zipped EVA case that fits in a camera bag."
            ),
        },
        "zh": {
            "name": "Lumen 五合一镜头清洁套装",
            "summary": "气吹、毛刷、清洁液、擦镜纸、擦镜布一套配齐，镜头、滤镜、目镜都能安全清洁。",
            "description": (
                "包含硅胶气吹、伸缩山羊毛刷、30ml无酒精清洁液、50张擦镜纸和大号超细纤维擦镜布。清洁液对多层镀膜镜片安全无损。"
                "\n\n"
                "全部收纳在EVA拉链包内，可直接放进相机包。"
            ),
        },
    },
    {
        "slug": "lumen-microfiber-cleaning-cloths-3-pack",
        "sku": "LA-MFC3",
        "category": "accessories",
        "price": "9.50",
        "stock": 58,
        "featured": False,
        "art": {"kind": "kit", "colour": "#43a047"},
        "en": {
            "name": "Lumen Microfiber Cleaning Cloths, 3-Pack",
            "summary": "Three lint-free microfiber cloths that lift fingerprints and grease from lenses, screens and glasses.",
            "description": (
                "An ultra-fine 80/20 polyester-polyamide weave, 18 × 18 cm, with laser-cut edges that leave no fibers behind. "
                "Machine washable at 40 °C; skip the fabric softener."
                "\n\n"
                "Each cloth comes in its own resealable sleeve, one each in gray, blue and green."
            ),
        },
        "zh": {
            "name": "Lumen 超细纤维擦镜布（3片装）",
            "summary": "3片无尘超细纤维擦镜布，轻松擦净镜片、屏幕和眼镜上的指纹油污。",
            "description": (
                "80/20涤纶锦纶超细纤维，尺寸18×18cm，激光切边不掉毛。可40°C机洗，请勿使用柔顺剂。"
                "\n\n"
                "每片独立自封袋包装，灰、蓝、绿三色各一。"
            ),
        },
    },
    {
        "slug": "northlight-plossl-eyepiece-25mm",
        "sku": "NA-PL25",
        "category": "accessories",
        "price": "39.00",
        "stock": 33,
        "featured": False,
        "art": {"kind": "eyepiece", "colour": "#f9a825"},
        "en": {
            "name": "Northlight Plössl Eyepiece 25 mm (1.25-inch)",
            "summary": "A sharp four-element Plössl with a 52° field: a comfortable low-power eyepiece for any 1.25-inch telescope.",
            "description": (
                "A 4-element symmetrical design with fully multi-coated lenses and blackened edges for good contrast. "
                "The 52° apparent field and 17 mm eye relief make it easy to use, even with glasses."
                "\n\n"
                "On a telescope of 1000mm focal length it gives 40×. Threaded for standard 1.25-inch filters; the rubber eyecup folds down."
            ),
        },
        "zh": {
            "name": "Northlight PL25mm 普罗素目镜（1.25英寸）",
            "summary": "4片式普罗素目镜，52°视场，成像锐利，适配各类1.25英寸接口望远镜。",
            "description": (
                "4片对称式结构，全多层镀膜，镜片边缘涂黑，反差良好。52°视场、17mm出瞳距离，戴眼镜观测也舒适。"
                "\n\n"
                "用于焦距1000mm的望远镜时倍率为40×。可拧装标准1.25英寸滤镜，橡胶眼罩可翻折。"
            ),
        },
    },
    {
        "slug": "northlight-66-wide-angle-eyepiece-9mm",
        "sku": "NA-WA9",
        "category": "accessories",
        "price": "69.00",
        "stock": 21,
        "featured": False,
        "art": {"kind": "eyepiece", "colour": "#ab47bc"},
        "en": {
            "name": "Northlight 66° Wide-Angle Eyepiece 9 mm",
            "summary": "A 9 mm wide-angle eyepiece with a 66° field for immersive medium-to-high power views of the Moon and planets.",
            "description": (
                "Six elements in four groups, fully multi-coated, with a 66° apparent field of view that makes it easier to "
                "keep planets in view on mounts without tracking. Eye relief is 15 mm."
                "\n\n"
                "Fits 1.25-inch focusers, threaded for filters, with a twist-up eyecup. On a 650mm reflector it gives 72×."
            ),
        },
        "zh": {
            "name": "Northlight 9mm 66°广角目镜",
            "summary": "9mm广角目镜，66°视场，中高倍观测月面和行星沉浸感十足。",
            "description": (
                "4组6片，全多层镀膜；66°表观视场，在没有跟踪功能的架台上也更容易跟住行星。出瞳距离15mm。"
                "\n\n"
                "1.25英寸接口，可拧装滤镜，旋升式眼罩。用于焦距650mm的反射镜时倍率为72×。"
            ),
        },
    },
    {
        "slug": "northlight-2x-achromatic-barlow-lens",
        "sku": "NA-BAR2",
        "category": "accessories",
        "price": "49.00",
        "stock": 14,
        "featured": False,
        "art": {"kind": "eyepiece", "colour": "#5e35b1"},
        "en": {
            "name": "Northlight 2× Achromatic Barlow Lens (1.25-inch)",
            "summary": "Doubles the magnification of every eyepiece you own, with an achromatic doublet for color-free views.",
            "description": (
                "A fully multi-coated achromatic doublet doubles the effective focal length of your telescope, so a 25 mm "
                "eyepiece behaves like a 12.5 mm. Eye relief is preserved, which keeps high powers comfortable."
                "\n\n"
                "Machined aluminum body with a brass compression ring; the lens cell unscrews and gives about 1.5× when "
                "threaded straight onto an eyepiece."
            ),
        },
        "zh": {
            "name": "Northlight 2倍消色差巴洛镜（1.25英寸）",
            "summary": "一支巴洛镜让手上每支目镜倍率翻倍，双胶合消色差设计，色差更小。",
            "description": (
                "全多层镀膜双胶合消色差透镜，将望远镜等效焦距延长一倍，25mm目镜即可当作12.5mm使用。同时保持原有出瞳距离，高倍观测也不费眼。"
                "\n\n"
                "CNC铝合金镜身，黄铜压环锁紧；镜组可单独拆下直接拧在目镜上，约得1.5倍增倍。"
            ),
        },
    },
    {
        "slug": "northlight-binocular-tripod-adapter",
        "sku": "NA-BTA",
        "category": "accessories",
        "price": "24.00",
        "stock": 37,
        "featured": False,
        "art": {"kind": "tripod", "colour": "#546e7a"},
        "en": {
            "name": "Northlight Binocular Tripod Adapter",
            "summary": "An L-shaped metal adapter that mounts any binocular with a center socket onto a standard 1/4-inch tripod.",
            "description": (
                "Screws into the 1/4-inch socket in the hinge of most Porro and many roof binoculars, then attaches to any "
                "tripod head. A steady mount shows far more detail than hand-holding, especially above 10×."
                "\n\n"
                "All-metal construction with a knurled locking wheel and a rubber pad that protects the finish."
            ),
        },
        "zh": {
            "name": "Northlight 双筒望远镜三脚架转接座",
            "summary": "L形金属转接座，将带中轴螺孔的双筒望远镜固定到标准1/4英寸三脚架上。",
            "description": (
                "拧入大部分保罗式及部分屋脊式双筒中轴处的1/4英寸螺孔，即可安装到任意三脚架云台上。架稳之后看到的细节远胜手持，10倍以上机型尤为明显。"
                "\n\n"
                "全金属结构，滚花锁紧轮，接触面带橡胶垫，不伤机身。"
            ),
        },
    },
    {
        "slug": "northlight-smartphone-eyepiece-adapter",
        "sku": "NA-SPA",
        "category": "accessories",
        "price": "29.00",
        "stock": 26,
        "featured": False,
        "art": {"kind": "eyepiece", "colour": "#039be5"},
        "en": {
            "name": "Northlight Smartphone Adapter for Eyepieces",
            "summary": "Clamps your phone over a telescope, binocular or microscope eyepiece so you can capture what you see.",
            "description": (
                "Spring-loaded jaws hold phones from 55 to 95 mm wide, and a three-point clamp grips eyepieces from 25 to "
                "48 mm in diameter. X-Y knobs center the phone camera over the eyepiece in seconds."
                "\n\n"
                "Great for Moon shots, digiscoping birds and sharing microscope views with a class."
            ),
        },
        "zh": {
            "name": "Northlight 目镜手机拍照支架",
            "summary": "把手机固定在望远镜、双筒或显微镜目镜上，所见即可拍下。",
            "description": (
                "弹簧夹可容纳宽55-95mm的手机，三点式夹具适配外径25-48mm的目镜。X-Y双向微调旋钮，几秒钟就能让手机镜头对准目镜。"
                "\n\n"
                "拍月亮、手机接目拍鸟，或把显微镜下的画面分享给全班同学，都很方便。"
            ),
        },
    },
    {
        "slug": "lumen-10x-triplet-loupe-21mm",
        "sku": "LA-LP10",
        "category": "accessories",
        "price": "32.00",
        "stock": 29,
        "featured": False,
        "art": {"kind": "loupe", "colour": "#c9a227"},
        "en": {
            "name": "Lumen 10× Triplet Loupe, 21 mm",
            "summary": "A folding 10× triplet loupe with a color-corrected, distortion-free view, for gems, stamps, coins and prints.",
            "description": (
                "Three cemented glass elements correct color and distortion right to the edge of the 21 mm lens. "
                "The chrome-plated brass housing folds over the lens to protect it."
                "\n\n"
                "Working distance about 25 mm. Comes with a leather pouch and lanyard."
            ),
        },
        "zh": {
            "name": "Lumen 10倍三胶合放大镜（21mm）",
            "summary": "10倍三胶合折叠放大镜，消色差、无畸变，鉴赏珠宝、邮票、钱币和印刷品。",
            "description": (
                "三片光学玻璃胶合而成，色差与畸变一直校正到镜片边缘，镜片直径21mm。镀铬黄铜外壳可翻转收起，保护镜片。"
                "\n\n"
                "工作距离约25mm，附皮质保护套和挂绳。"
            ),
        },
    },
    {
        "slug": "lumen-3x-led-hand-magnifier-90mm",
        "sku": "LA-HM3",
        "category": "accessories",
        "price": "27.00",
        "stock": 19,
        "featured": False,
        "art": {"kind": "loupe", "colour": "#ff8f00"},
        "en": {
            "name": "Lumen 3× LED Hand Magnifier, 90 mm",
            "summary": "A large 90 mm reading magnifier with a ring of warm LEDs, for maps, small print and hobby work.",
            "description": (
                "The 90 mm aspheric acrylic lens magnifies 3× with little distortion at the edges, and a 4× spot lens set "
                "into one side helps with fine details. Six warm-white LEDs light the page evenly without glare."
                "\n\n"
                "Runs on three AAA batteries (included); soft-touch handle with an on/off switch."
            ),
        },
        "zh": {
            "name": "Lumen 3倍LED手持放大镜（90mm）",
            "summary": "90mm大镜面阅读放大镜，暖光LED环形照明，看地图、看小字、做手工都清楚。",
            "description": (
                "90mm非球面亚克力镜片，3倍放大，边缘畸变小；镜面一侧另嵌4倍小镜，方便查看细节。6颗暖白光LED，照明均匀不刺眼。"
                "\n\n"
                "使用3节7号电池（已附），亲肤手柄，带开关按键。"
            ),
        },
    },
    {
        "slug": "northlight-padded-hard-case-medium",
        "sku": "NA-HC-M",
        "category": "accessories",
        "price": "54.00",
        "stock": 13,
        "featured": False,
        "art": {"kind": "kit", "colour": "#f4511e"},
        "en": {
            "name": "Northlight Padded Hard Case, Medium",
            "summary": "A crush-proof, water-resistant hard case with pick-apart foam for a telescope, binoculars or a lens kit.",
            "description": (
                "Interior 40 × 30 × 15 cm with pre-cut pick-and-pluck foam that you shape around your gear. The polypropylene "
                "shell is IP65-rated against dust and rain, with an automatic pressure valve for air travel."
                "\n\n"
                "Two latches, padlock holes and a rubberized handle."
            ),
        },
        "zh": {
            "name": "Northlight 中号防护硬箱",
            "summary": "抗压防水硬箱，内置可撕分格海绵，收纳望远镜、双筒或镜头都合适。",
            "description": (
                "内部尺寸40×30×15cm，预切格子海绵可按器材形状自行撕取。聚丙烯外壳，IP65级防尘防水，带自动泄压阀，乘机托运更放心。"
                "\n\n"
                "双搭扣锁，预留挂锁孔，手柄包胶防滑。"
            ),
        },
    },
    {
        "slug": "northlight-aluminum-travel-tripod",
        "sku": "NA-TT160",
        "category": "accessories",
        "price": "119.00",
        "stock": 8,
        "featured": False,
        "art": {"kind": "tripod", "colour": "#00a3a3"},
        "en": {
            "name": "Northlight Aluminum Travel Tripod with Ball Head",
            "summary": "A 1.6 kg travel tripod reaching 160 cm, with a ball head strong enough for cameras, spotting scopes and small telescopes.",
            "description": (
                "Four-section aluminum legs with twist locks extend to 160 cm and fold to 45 cm by reversing around the "
                "center column. The 36 mm ball head has separate pan and friction controls and an Arca-type quick-release plate."
                "\n\n"
                "Maximum load 8 kg. One leg unscrews to become a monopod; carry bag included."
            ),
        },
        "zh": {
            "name": "Northlight 铝合金旅行三脚架（含球形云台）",
            "summary": "1.6kg便携三脚架，最高160cm，球形云台可承载相机、观鸟镜和小型望远镜。",
            "description": (
                "4节铝合金脚管，旋钮式锁紧，最高160cm；脚管反折包裹中轴后收纳长度仅45cm。36mm球形云台，水平旋转与阻尼独立调节，配阿卡标准快装板。"
                "\n\n"
                "最大承重8kg。单脚可拆下作独脚架使用，附收纳袋。"
            ),
        },
    },
]
